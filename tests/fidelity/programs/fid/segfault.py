import ctypes

print("printed before the crash", flush=True)
ctypes.string_at(0)
