/* pprof's load-time name simplification (profile_simplify_names). */
#include <stdlib.h>

#include "check.h"
#include "profile/names.h"

static char *fake_demangle(const char *s)
{
	return strcmp(s, "_ZN2ns1fIiEEvl") == 0 ? strdup("void ns::f<int>(long)") : NULL;
}

static const char *add(struct profile *p, const char *name, const char *sys)
{
	struct pf_function *f = profile_add_function(p);

	f->name = profile_str(p, name);
	f->system_name = profile_str(p, sys);
	return NULL;
}

int main(void)
{
	struct profile *p = profile_new();

	add(p, "internal_syscall<int, long>", "internal_syscall<int, long>");
	add(p, "ns::C::m(int) const", "ns::C::m(int) const");
	add(p, "main", "main");
	add(p, "hot_a", "_Zhot_a_mangled");                  /* producer's choice: kept */
	add(p, "", "_ZN2ns1fIiEEvl");                        /* mangled, no name */
	add(p, "Foo.<init>", "Foo.<init>");                  /* Java: not C++ */
	add(p, "a<b(c>d)", "a<b(c>d)");                      /* crossed brackets */
	profile_simplify_names(p, fake_demangle);
	CHECK_STR(profile_get_str(p, p->functions[0].name), "internal_syscall");
	CHECK_STR(profile_get_str(p, p->functions[0].system_name), "internal_syscall<int, long>");
	CHECK_STR(profile_get_str(p, p->functions[1].name), "ns::C::m const");
	CHECK_STR(profile_get_str(p, p->functions[2].name), "main");
	CHECK_STR(profile_get_str(p, p->functions[3].name), "hot_a");
	CHECK_STR(profile_get_str(p, p->functions[4].name), "void ns::f");
	CHECK_STR(profile_get_str(p, p->functions[5].name), "Foo.<init>");
	CHECK(profile_get_str(p, p->functions[6].name)[0] == 'a');
	profile_free(p);
	return CHECK_DONE();
}
