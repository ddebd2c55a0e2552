#ifndef SWEEP_BUILD_INFO_H
#define SWEEP_BUILD_INFO_H
#include <stddef.h>

/// Copies the git commit this binary was stamped with (NUL-terminated, at most `size` - 1 bytes)
/// into `buffer` and returns its length; 0 for a development build that carries no commit.
/// The commit lives in a marked slot that `scripts/package.sh` fills in the packaged copy, or
/// that a build with `-Xcc -DSWEEP_COMMIT='"abc1234"'` fills at compile time.
size_t sweep_build_commit(char *buffer, size_t size);
#endif
