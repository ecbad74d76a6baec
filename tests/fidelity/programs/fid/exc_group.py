def check(values):
    errors = [ValueError(f"bad value {v}") for v in values if v < 0]
    if errors:
        raise ExceptionGroup("some values are negative", errors)


check([1, -2, 3, -4])
