// make_url (SQLAlchemy's URL grammar, percent-decoding by Poco::URI) on any bytes: it returns a
// URL or throws crucible::Error, and what URL::render(false) writes parses back to the same URL.
#include "crucible/errors.hpp"
#include "crucible/url.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  crucible::URL url;
  try {
    url = crucible::make_url(text);
  } catch (const crucible::Error&) {
    return 0;  // refused with crucible's own error: what bad input should get
  }
  (void)url.get_backend_name();
  (void)url.get_driver_name();
  (void)url.render();
  const std::string rendered = url.render(false);
  crucible::URL again;
  try {
    again = crucible::make_url(rendered);
  } catch (const crucible::Error& e) {
    crucible::fuzz::fail("render(false) gave '" + rendered +
                         "', which make_url refuses: " + e.what());
  }
  if (!(again == url))
    crucible::fuzz::fail("'" + std::string(text) + "' renders as '" + rendered +
                         "', which parses to another URL ('" + again.render(false) + "')");
  return 0;
}
