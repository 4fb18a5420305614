// goprof writes the Go runtime profiles kiln report is compared against:
// a CPU profile of a known call tree (recursion, inlined helpers, pprof
// labels, several goroutines) and a heap profile with several allocation
// sites. Standard library only, so `go build` needs no network.
//
// usage: goprof CPU_OUT HEAP_OUT [SECONDS]
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
)

var sink uint64

//go:noinline
func leafA(n int) uint64 {
	var s uint64
	for i := 0; i < n; i++ {
		s += uint64(i) * 2654435761
	}
	return s
}

//go:noinline
func leafB(n int) uint64 {
	var s uint64 = 1
	for i := 0; i < n; i++ {
		s ^= s<<13 + uint64(i)
	}
	return s
}

// small enough to be inlined into its callers
func mix(x uint64) uint64 { return x*31 + 7 }

//go:noinline
func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

//go:noinline
func work(deadline time.Time) {
	for time.Now().Before(deadline) {
		sink += mix(leafA(200000))
		sink += leafB(100000)
		sink += uint64(fib(20))
	}
}

//go:noinline
func labelled(ctx context.Context, deadline time.Time, name string) {
	pprof.Do(ctx, pprof.Labels("worker", name), func(context.Context) {
		work(deadline)
	})
}

var keep [][]byte

//go:noinline
func allocSmall(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 128))
	}
}

//go:noinline
func allocBig(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 1<<20))
	}
}

//go:noinline
func allocTemp(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 4096)
		sink += uint64(b[0])
	}
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: goprof CPU_OUT HEAP_OUT [SECONDS]")
		os.Exit(2)
	}
	secs := 1.0
	if len(os.Args) > 3 {
		if v, err := strconv.ParseFloat(os.Args[3], 64); err == nil {
			secs = v
		}
	}
	runtime.MemProfileRate = 4096
	cpu, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	deadline := time.Now().Add(time.Duration(secs * float64(time.Second)))
	done := make(chan bool)
	go func() { labelled(context.Background(), deadline, "one"); done <- true }()
	go func() { labelled(context.Background(), deadline, "two"); done <- true }()
	work(deadline)
	<-done
	<-done
	pprof.StopCPUProfile()
	cpu.Close()

	allocSmall(20000)
	allocBig(8)
	allocTemp(5000)
	runtime.GC()
	heap, err := os.Create(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.WriteHeapProfile(heap); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	heap.Close()
	fmt.Println(len(keep))
}
