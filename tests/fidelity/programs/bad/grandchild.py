import os
import time

if os.fork() == 0:
    time.sleep(317.5)
    os._exit(0)
print("parent done at once")
