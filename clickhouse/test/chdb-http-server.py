"""A real ClickHouse HTTP endpoint for the server-adapter tests, served by libchdb (the engine inside the chdb npm
package) through its clickhouse-local command line: SYSTEM START LISTEN HTTP, then a query that sleeps for as long
as the endpoint should live. Usage: python3 chdb-http-server.py LIBCHDB PORT DATA_DIR"""
import ctypes
import sys

lib_path, port, data_dir = sys.argv[1], sys.argv[2], sys.argv[3]
lib = ctypes.CDLL(lib_path)
keep_alive = (
    "SYSTEM START LISTEN HTTP; "
    "SELECT sleepEachRow(1) FROM numbers(86400) "
    "SETTINGS function_sleep_max_microseconds_per_block = 0, max_block_size = 1 FORMAT Null"
)
args = [
    b"clickhouse",
    b"--multiquery",
    ("--path=" + data_dir).encode(),
    ("--http_port=" + port).encode(),
    b"--listen_host=127.0.0.1",
    ("--query=" + keep_alive).encode(),
]
argv = (ctypes.c_char_p * len(args))(*args)
lib.chdb_query_cmdline.restype = ctypes.c_void_p
lib.chdb_query_cmdline.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
lib.chdb_query_cmdline(len(args), argv)
