import ctypes

libc = ctypes.CDLL(None)
print("from Python, first")
libc.printf(b"from C printf\n")
print("from Python, last")
