import threading
import time


def late():
    time.sleep(0.2)
    print("printed by a thread after the body")


threading.Thread(target=late).start()
print("body ends")
