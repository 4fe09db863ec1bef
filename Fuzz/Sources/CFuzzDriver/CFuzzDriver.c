// Only the header matters: the driver itself comes with -sanitize=fuzzer.
