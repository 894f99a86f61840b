// The "mydb" dialect (mydb_dialect.hpp). Everything is inherited so far; a dialect's overrides
// (compiler, types, reflection) go in files of their own next to this one.
#include "mydb_dialect.hpp"
