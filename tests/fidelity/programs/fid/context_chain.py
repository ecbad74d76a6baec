try:
    {}["missing"]
except KeyError:
    print("handling it")
    1 / 0
