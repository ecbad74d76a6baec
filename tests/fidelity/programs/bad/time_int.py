import time

print("bucket", int(time.time()) // 100)
