import atexit


@atexit.register
def goodbye():
    print("printed by atexit")


print("body")
