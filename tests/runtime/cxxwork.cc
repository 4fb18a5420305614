// C++ allocations reach libkiln through operator new/delete (libstdc++
// calls malloc/free). libstdc++ is built without frame pointers, so this
// also checks that the function calling new is not lost from the stack:
// make_nodes allocates 1000 Node objects (kept) and make_buffers 500
// arrays of 2000 bytes (deleted). Run with KILN_HEAP_RATE=1.
#include <cstdio>
#include <vector>

struct Node {
	char payload[1000];
	Node *next;
};

static void *volatile sink;

__attribute__((noinline)) Node *make_nodes()
{
	Node *head = nullptr;
	for (int i = 0; i < 1000; i++) {
		Node *n = new Node;
		n->next = head;
		head = n;
	}
	return head;
}

__attribute__((noinline)) void make_buffers()
{
	for (int i = 0; i < 500; i++) {
		char *b = new char[2000];
		sink = b;
		delete[] b;
	}
}

int main()
{
	Node *keep = make_nodes();
	make_buffers();
	sink = keep;
	std::printf("ok\n");
	return 0;
}
