print(id(object()))
