import traceback


def inner():
    traceback.print_stack()


inner()
