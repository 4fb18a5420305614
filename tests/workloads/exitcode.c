/* Exits with the status given as its first argument, or kills itself with
 * the signal given as "-SIG". Usage: exitcode N | exitcode -9 */
#include <signal.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int v = argc > 1 ? atoi(argv[1]) : 0;

	if (v < 0)
		raise(-v);
	return v;
}
