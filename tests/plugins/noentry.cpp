// libcrucible-noentry.so, a throw-away plugin for the registry tests: a valid shared library
// named like a plugin that exports a function but no crucible_plugin_v<N> entry point, so the
// registry must refuse it as "not a crucible plugin".
extern "C" __attribute__((visibility("default"))) int crucible_test_noentry_answer() { return 42; }
