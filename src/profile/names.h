/* Function name simplification at load, as go tool pprof does it. */
#ifndef KILN_PROFILE_NAMES_H
#define KILN_PROFILE_NAMES_H

#include "profile.h"

/* For functions whose name is empty or equal to their system name:
 * demangle the system name with `demangle` (may be NULL; returns a malloc'd
 * string or NULL when not mangled), then, when the result looks like C++,
 * drop parameters and template arguments ("ns::f<int>(long)" → "ns::f").
 * Names a producer already demangled are left alone. */
void profile_simplify_names(struct profile *p, char *(*demangle)(const char *));

#endif
