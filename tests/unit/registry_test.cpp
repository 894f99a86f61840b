// The registry (registry.hpp) against throw-away plugins built by tests/plugins into
// CRUCIBLE_TEST_PLUGIN_DIR: finding dialects and drivers by file name and by manifest, refusing
// files of another ABI, without an entry point or not ELF at all with errors that say so,
// in-process registration, list_available(), and keeping a library mapped while anything it
// made is alive (checked with the dynamic loader itself: dlopen(RTLD_NOLOAD)).
#include "crucible/registry.hpp"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/dialect.hpp"
#include "crucible/engine.hpp"
#include "crucible/errors.hpp"
#include "crucible/url.hpp"

namespace {

namespace fs = std::filesystem;
namespace registry = crucible::registry;

std::string plugin_file(const std::string& name) {
  return std::string(CRUCIBLE_TEST_PLUGIN_DIR) + "/libcrucible-" + name + ".so";
}

/// Whether the dynamic loader has path mapped in this process (without loading it).
bool is_mapped(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  dlclose(handle);
  return true;
}

/// Calls fakedb's exported int(void) function symbol in the mapped library, or -1 when the
/// library is not mapped.
int call_fakedb(const char* symbol) {
  void* handle = dlopen(plugin_file("fakedb").c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return -1;
  int result = -2;
  if (void* fn = dlsym(handle, symbol); fn != nullptr) {
    result = reinterpret_cast<int (*)()>(fn)();
  }
  dlclose(handle);
  return result;
}

/// The PluginError message thrown by fn; a test failure when fn throws nothing.
template <class Fn>
std::string plugin_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const crucible::PluginError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a PluginError";
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A dialect and a driver a test registers in-process.
class LocalDialect final : public crucible::Dialect {
 public:
  std::string_view name() const noexcept override { return "inproc"; }
  std::string_view default_driver() const noexcept override { return "notelf"; }
};

class LocalDriver final : public crucible::Driver {
 public:
  std::string_view name() const noexcept override { return "notelf"; }
  crucible::ParamStyle paramstyle() const noexcept override { return crucible::ParamStyle::kNamed; }
  std::unique_ptr<crucible::DbapiConnection> connect(const crucible::URL&,
                                                     const crucible::ConnectOptions&) override {
    throw crucible::OperationalError({.driver_message = "local driver connects nowhere"});
  }
};

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = std::getenv("CRUCIBLE_PLUGIN_PATH"); old != nullptr) saved_ = old;
    set_path(CRUCIBLE_TEST_PLUGIN_DIR);
  }
  void TearDown() override {
    if (saved_) {
      setenv("CRUCIBLE_PLUGIN_PATH", saved_->c_str(), 1);
    } else {
      unsetenv("CRUCIBLE_PLUGIN_PATH");
    }
    if (!link_dir_.empty()) fs::remove_all(link_dir_);
  }
  static void set_path(const std::string& value) {
    setenv("CRUCIBLE_PLUGIN_PATH", value.c_str(), 1);
  }

  /// A fresh directory holding a symbolic link "plugins" to the test plugin directory: the
  /// same files under another name. Returns the link.
  fs::path make_link_to_plugin_dir() {
    link_dir_ =
        fs::temp_directory_path() / ("crucible-registry-test-" + std::to_string(::getpid()));
    fs::remove_all(link_dir_);
    fs::create_directories(link_dir_);
    fs::create_directory_symlink(CRUCIBLE_TEST_PLUGIN_DIR, link_dir_ / "plugins");
    return link_dir_ / "plugins";
  }

  /// Drops the registry's own references to fakedb and checks that nothing else keeps it
  /// mapped, so a test starts from an unloaded fakedb.
  static void start_without_fakedb() {
    registry::unload("fakedb");
    ASSERT_FALSE(is_mapped(plugin_file("fakedb"))) << "something from an earlier test keeps fakedb";
  }

 private:
  std::optional<std::string> saved_;
  fs::path link_dir_;
};

TEST_F(RegistryTest, LoadDialectByName_LoadsPluginFileAndObjectsWork) {
  const registry::DialectPtr dialect = registry::load_dialect("fakedb");
  ASSERT_NE(dialect, nullptr);
  EXPECT_EQ(dialect->name(), "fakedb");
  EXPECT_EQ(dialect->default_driver(), "fakedrv");

  const registry::DriverPtr driver = registry::load_driver(dialect->default_driver(), "fakedb");
  ASSERT_NE(driver, nullptr);
  EXPECT_EQ(driver->name(), "fakedrv");
  EXPECT_EQ(driver->paramstyle(), crucible::ParamStyle::kQmark);

  auto conn = driver->connect(crucible::URL{}, {});
  EXPECT_EQ(conn->server_version(), "fakedb 1.0");
  auto cursor = conn->cursor();
  cursor->execute("SELECT answer", {});
  const auto rows = cursor->fetchall();
  ASSERT_EQ(rows.size(), 1U);
  ASSERT_EQ(rows[0].size(), 1U);
  EXPECT_EQ(rows[0][0], crucible::Value(42));
  ASSERT_EQ(cursor->description().size(), 1U);
  EXPECT_EQ(cursor->description()[0].name, "answer");
}

TEST_F(RegistryTest, NamesInAnotherPluginsManifest_AreFoundByScanning) {
  ASSERT_FALSE(fs::exists(plugin_file("alpha")));
  ASSERT_FALSE(fs::exists(plugin_file("gamma")));

  const registry::DialectPtr alpha = registry::load_dialect("alpha");
  EXPECT_EQ(alpha->name(), "alpha");
  EXPECT_EQ(alpha->default_driver(), "gamma");
  EXPECT_EQ(registry::load_dialect("beta")->name(), "beta");
  const registry::DriverPtr gamma = registry::load_driver("gamma", "alpha");
  EXPECT_EQ(gamma->name(), "gamma");
  EXPECT_EQ(gamma->paramstyle(), crucible::ParamStyle::kNumericDollar);
  EXPECT_THROW(gamma->connect(crucible::URL{}, {}), crucible::OperationalError);
}

TEST_F(RegistryTest, DriverHintFile_IsTriedBeforeScanningEveryFile) {
  start_without_fakedb();
  registry::unload("multi");
  // Without the hint the sorted scan would open libcrucible-fakedb.so before libcrucible-multi.so.
  EXPECT_EQ(registry::load_dialect("alpha", "multi")->name(), "alpha");
  EXPECT_TRUE(is_mapped(plugin_file("multi")));
  EXPECT_FALSE(is_mapped(plugin_file("fakedb")));
}

TEST_F(RegistryTest, UnknownDialect_ErrorNamesWantedDirsSkippedFilesAndAvailableDialects) {
  const std::string missing_dir = "/nonexistent/crucible-plugins";
  set_path(std::string(CRUCIBLE_TEST_PLUGIN_DIR) + ":" + missing_dir);
  const std::string message = plugin_error_of([] { registry::load_dialect("nosuch", "nodrv"); });

  EXPECT_TRUE(contains(message, "dialect 'nosuch'")) << message;
  EXPECT_TRUE(contains(message, "driver 'nodrv'")) << message;
  for (const fs::path& dir : registry::search_path()) {
    EXPECT_TRUE(contains(message, dir.string())) << dir << " missing from: " << message;
  }
  EXPECT_TRUE(contains(message, missing_dir + " (does not exist)")) << message;
  EXPECT_TRUE(contains(message, std::string(CRUCIBLE_TEST_PLUGIN_DIR) + " (exists)")) << message;
  // Every bad file is listed with its own reason.
  EXPECT_TRUE(contains(message, plugin_file("oldabi") + " was built for plugin ABI v0")) << message;
  EXPECT_TRUE(contains(message, plugin_file("noentry") + " is not a crucible plugin")) << message;
  EXPECT_TRUE(contains(message, plugin_file("notelf") + " is not a shared library")) << message;
  // And what is available instead.
  for (const char* available : {"fakedb", "alpha", "beta"}) {
    EXPECT_TRUE(contains(message, available)) << available << " missing from: " << message;
  }
  EXPECT_TRUE(contains(message, "CRUCIBLE_PLUGIN_PATH")) << message;
}

TEST_F(RegistryTest, UnknownDriver_ErrorNamesWantedDriverAndAvailableDrivers) {
  const std::string message = plugin_error_of([] { registry::load_driver("nosuchdrv", "fakedb"); });
  EXPECT_TRUE(contains(message, "driver 'nosuchdrv'")) << message;
  EXPECT_TRUE(contains(message, "drivers available")) << message;
  EXPECT_TRUE(contains(message, "fakedrv")) << message;
  EXPECT_TRUE(contains(message, "gamma")) << message;
  EXPECT_FALSE(contains(message, "dialects available")) << message;
}

TEST_F(RegistryTest, OtherAbiVersion_RefusedWithBothVersionsAndNeverLoaded) {
  const std::string message = plugin_error_of([] { registry::load_dialect("oldabi"); });
  EXPECT_TRUE(contains(message, plugin_file("oldabi"))) << message;
  EXPECT_TRUE(contains(message, "ABI v0")) << message;
  EXPECT_TRUE(contains(message, "ABI v" + std::to_string(crucible::kPluginAbiVersion))) << message;
  EXPECT_TRUE(contains(message, "rebuild the plugin")) << message;
  EXPECT_FALSE(is_mapped(plugin_file("oldabi")));

  // A scan reads its symbol table again and still does not load it.
  EXPECT_THROW(registry::load_driver("nosuch-driver"), crucible::PluginError);
  EXPECT_FALSE(is_mapped(plugin_file("oldabi")));
}

TEST_F(RegistryTest, FileWithoutEntryPoint_IsRefusedAsNotACruciblePlugin) {
  const std::string message = plugin_error_of([] { registry::load_dialect("noentry"); });
  EXPECT_TRUE(contains(message, plugin_file("noentry") + " is not a crucible plugin")) << message;
  EXPECT_TRUE(contains(message, "crucible_plugin_v")) << message;
  EXPECT_FALSE(is_mapped(plugin_file("noentry")));
}

TEST_F(RegistryTest, TextFileNamedLikePlugin_IsRefusedAsNotALoadableLibrary) {
  const std::string message = plugin_error_of([] { registry::load_dialect("notelf"); });
  EXPECT_TRUE(
      contains(message, plugin_file("notelf") + " is not a shared library this platform can load"))
      << message;
  EXPECT_TRUE(contains(message, "not an ELF file")) << message;
}

TEST_F(RegistryTest, InProcessRegistration_WinsWithoutAnyFile) {
  int dialects_made = 0;
  registry::register_dialect({"inproc", "notelf", [&dialects_made] {
                                ++dialects_made;
                                return std::unique_ptr<crucible::Dialect>(
                                    std::make_unique<LocalDialect>());
                              }});
  // "notelf" names a bad file on the path: the in-process driver wins without reading it.
  registry::register_driver(
      {"notelf",
       [] { return std::unique_ptr<crucible::Driver>(std::make_unique<LocalDriver>()); }});
  set_path("/nonexistent/crucible-plugins");

  const registry::DialectPtr dialect = registry::load_dialect("inproc");
  EXPECT_NE(dynamic_cast<const LocalDialect*>(dialect.get()), nullptr);
  EXPECT_EQ(dialects_made, 1);
  const registry::DriverPtr driver = registry::load_driver(dialect->default_driver());
  EXPECT_NE(dynamic_cast<const LocalDriver*>(driver.get()), nullptr);
  EXPECT_EQ(driver->paramstyle(), crucible::ParamStyle::kNamed);

  const auto infos = registry::list_available();
  const auto in_process = std::find_if(infos.begin(), infos.end(),
                                       [](const auto& i) { return i.name == "(in-process)"; });
  ASSERT_NE(in_process, infos.end());
  EXPECT_NE(std::find(in_process->dialects.begin(), in_process->dialects.end(), "inproc"),
            in_process->dialects.end());
  EXPECT_NE(std::find(in_process->drivers.begin(), in_process->drivers.end(), "notelf"),
            in_process->drivers.end());
  EXPECT_TRUE(in_process->path.empty());
}

TEST_F(RegistryTest, ListAvailable_ShowsPluginsOnceWithVersionsAndBadFilesWithErrors) {
  // The same directory twice under two names: every file must still be listed once.
  set_path(std::string(CRUCIBLE_TEST_PLUGIN_DIR) + ":" + make_link_to_plugin_dir().string());
  const std::vector<registry::PluginInfo> infos = registry::list_available();
  const auto find_file = [&infos](const std::string& stem) {
    std::vector<registry::PluginInfo> found;
    for (const auto& i : infos) {
      if (i.path.filename() == "libcrucible-" + stem + ".so") found.push_back(i);
    }
    return found;
  };

  const auto fakedb = find_file("fakedb");
  ASSERT_EQ(fakedb.size(), 1U);
  EXPECT_EQ(fakedb[0].name, "fakedb");
  EXPECT_EQ(fakedb[0].version, "1.2.3");
  EXPECT_EQ(fakedb[0].dialects, std::vector<std::string>{"fakedb"});
  EXPECT_EQ(fakedb[0].default_drivers, std::vector<std::string>{"fakedrv"});
  EXPECT_EQ(fakedb[0].drivers, std::vector<std::string>{"fakedrv"});
  EXPECT_EQ(fakedb[0].error, "");

  const auto multi = find_file("multi");
  ASSERT_EQ(multi.size(), 1U);
  EXPECT_EQ(multi[0].dialects, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(multi[0].drivers, std::vector<std::string>{"gamma"});

  const auto oldabi = find_file("oldabi");
  ASSERT_EQ(oldabi.size(), 1U);
  EXPECT_TRUE(contains(oldabi[0].error, "ABI v0")) << oldabi[0].error;
  const auto noentry = find_file("noentry");
  ASSERT_EQ(noentry.size(), 1U);
  EXPECT_TRUE(contains(noentry[0].error, "not a crucible plugin")) << noentry[0].error;
  const auto notelf = find_file("notelf");
  ASSERT_EQ(notelf.size(), 1U);
  EXPECT_TRUE(contains(notelf[0].error, "not a shared library")) << notelf[0].error;
  EXPECT_TRUE(notelf[0].dialects.empty());
}

TEST_F(RegistryTest, ObjectsMadeByPlugin_KeepItsLibraryLoadedUntilTheyAreGone) {
  start_without_fakedb();
  const std::string file = plugin_file("fakedb");
  registry::DriverPtr driver = registry::load_driver("fakedrv");
  auto conn = driver->connect(crucible::URL{}, {});
  registry::DialectPtr dialect = registry::load_dialect("fakedb");
  EXPECT_EQ(call_fakedb("crucible_test_fakedb_live_objects"), 3);

  ASSERT_TRUE(registry::unload("fakedb"));
  EXPECT_FALSE(registry::unload("fakedb"));
  EXPECT_TRUE(is_mapped(file));
  // Still usable after the registry forgot the plugin.
  auto cursor = conn->cursor();
  cursor->execute("SELECT 1", {});
  EXPECT_TRUE(cursor->fetchone().has_value());
  cursor.reset();

  dialect.reset();
  EXPECT_TRUE(is_mapped(file));
  EXPECT_EQ(call_fakedb("crucible_test_fakedb_live_objects"), 2);  // the product's delete ran
  conn.reset();  // a connection goes before the driver that made it
  EXPECT_TRUE(is_mapped(file));
  driver.reset();
  EXPECT_FALSE(is_mapped(file));

  // Unloaded plugins load again on demand.
  EXPECT_EQ(registry::load_dialect("fakedb")->name(), "fakedb");
}

TEST_F(RegistryTest, LoadingTwice_ReturnsWorkingObjectsWithoutLoadingTheFileTwice) {
  start_without_fakedb();
  const registry::DialectPtr first = registry::load_dialect("fakedb");
  const registry::DialectPtr second = registry::load_dialect("fakedb");
  const registry::DriverPtr driver = registry::load_driver("fakedrv", "fakedb");
  EXPECT_NE(first, second);
  EXPECT_EQ(first->name(), "fakedb");
  EXPECT_EQ(second->name(), "fakedb");
  EXPECT_EQ(driver->connect(crucible::URL{}, {})->server_version(), "fakedb 1.0");

  // A full scan through the same directory under another name must not open fakedb again.
  set_path(make_link_to_plugin_dir().string() + ":" + CRUCIBLE_TEST_PLUGIN_DIR);
  const std::string message = plugin_error_of([] { registry::load_dialect("nosuch"); });
  EXPECT_FALSE(contains(message, "already loaded")) << message;
  registry::list_available();

  EXPECT_EQ(call_fakedb("crucible_test_fakedb_entry_calls"), 1);
  EXPECT_EQ(call_fakedb("crucible_test_fakedb_live_objects"), 3);
}

TEST_F(RegistryTest, SearchPath_IsEnvironmentDirsThenLibraryRelativeDirThenBuildDir) {
  // The install directory is found next to the libcrucible.so in use, whatever prefix it was
  // configured for: here the build tree's lib/, whose crucible/plugins is the build plugin dir.
  Dl_info info{};
  ASSERT_NE(dladdr(reinterpret_cast<const void*>(&registry::search_path), &info), 0);
  const fs::path library_dir = fs::canonical(info.dli_fname).parent_path();
  EXPECT_EQ(library_dir / "crucible/plugins", fs::canonical(CRUCIBLE_BUILD_PLUGIN_DIR));

  set_path("/tmp/crucible-a::/tmp/crucible-b/");
  const std::vector<fs::path> dirs = registry::search_path();
  ASSERT_EQ(dirs.size(), 3U);  // the build dir is the library-relative dir: listed once
  EXPECT_EQ(dirs[0], fs::path("/tmp/crucible-a"));
  EXPECT_EQ(dirs[1], fs::path("/tmp/crucible-b"));
  EXPECT_EQ(dirs[2], library_dir / "crucible/plugins");

  unsetenv("CRUCIBLE_PLUGIN_PATH");  // read again at every call
  const std::vector<fs::path> defaults = registry::search_path();
  ASSERT_EQ(defaults.size(), 1U);
  EXPECT_EQ(defaults[0], library_dir / "crucible/plugins");
}

TEST_F(RegistryTest, EmptyName_IsAnArgumentError) {
  EXPECT_THROW(registry::load_dialect(""), crucible::ArgumentError);
  EXPECT_THROW(registry::load_driver(""), crucible::ArgumentError);
}

}  // namespace

TEST_F(RegistryTest, PluginWhoseLibraryIsMissing_IsRefusedNamingTheLibrary) {
  const std::string message = plugin_error_of([] { registry::load_dialect("needsdep"); });
  EXPECT_TRUE(contains(message, "cannot load dialect 'needsdep'")) << message;
  EXPECT_TRUE(contains(message, plugin_file("needsdep") + " could not be loaded")) << message;
  EXPECT_TRUE(contains(message, "libcrucible_test_gone.so")) << message;
  EXPECT_FALSE(is_mapped(plugin_file("needsdep")));
  // The engine says the same where a user meets it.
  try {
    crucible::create_engine("needsdep://");
    ADD_FAILURE() << "an engine was made without its plugin";
  } catch (const crucible::PluginError& e) {
    EXPECT_TRUE(contains(e.what(), "libcrucible_test_gone.so")) << e.what();
  }
}

TEST_F(RegistryTest, RelativeEntryInPluginPath_IsRefused) {
  for (const std::string& path : {std::string("plugins"),
                                 std::string(CRUCIBLE_TEST_PLUGIN_DIR) + ":./lib",
                                 std::string("../x:") + CRUCIBLE_TEST_PLUGIN_DIR}) {
    set_path(path);
    // A name the table does not hold yet, so that the path is searched.
    const std::string message = plugin_error_of([] { registry::load_dialect("nosuch"); });
    EXPECT_TRUE(contains(message, "CRUCIBLE_PLUGIN_PATH holds the relative entry")) << message;
    EXPECT_TRUE(contains(message, "absolute path")) << message;
    EXPECT_THROW(registry::search_path(), crucible::PluginError) << path;
  }
  set_path(std::string(":") + CRUCIBLE_TEST_PLUGIN_DIR + "::");
  EXPECT_NO_THROW(registry::search_path()) << "empty entries are ignored";
}

TEST_F(RegistryTest, WorldWritableDirectoryOrFile_IsRefusedAndNeverLoaded) {
  start_without_fakedb();
  const fs::path dir =
      fs::temp_directory_path() / ("crucible-writable-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path copy = dir / "libcrucible-fakedb.so";
  fs::copy_file(plugin_file("fakedb"), copy);
  set_path(dir.string());

  fs::permissions(dir, fs::perms::all);  // 0777, as /tmp without its sticky bit
  std::string message = plugin_error_of([] { registry::load_dialect("fakedb"); });
  EXPECT_TRUE(contains(message, copy.string() + " refused: its directory")) << message;
  EXPECT_TRUE(contains(message, "writable by every user (mode 0777)")) << message;
  EXPECT_TRUE(contains(message, "chmod o-w")) << message;
  EXPECT_FALSE(is_mapped(copy.string()));

  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);  // 0755
  fs::permissions(copy, fs::perms::others_write, fs::perm_options::add);
  message = plugin_error_of([] { registry::load_dialect("fakedb"); });
  EXPECT_TRUE(contains(message, "refused: the file " + copy.string())) << message;
  EXPECT_FALSE(is_mapped(copy.string()));

  fs::permissions(copy, fs::perms::others_write, fs::perm_options::remove);
  EXPECT_NO_THROW(registry::load_dialect("fakedb")) << "the same file, once only its owner writes";
  registry::unload("fakedb");
  fs::remove_all(dir);
}
