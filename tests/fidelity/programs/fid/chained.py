def parse(text):
    return int(text)


def load(text):
    try:
        return parse(text)
    except ValueError as exc:
        raise RuntimeError("could not load the config") from exc


load("not a number")
