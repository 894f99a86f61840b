// libcrucible_test_gone.so, a library that libcrucible-needsdep.so links to but that the dynamic
// loader cannot find at run time (it is built outside every directory the loader searches and
// the plugin carries no RUNPATH to it): a plugin whose client library is not installed.
extern "C" __attribute__((visibility("default"))) int crucible_test_gone_answer() { return 7; }
