print({"alpha", "beta", "gamma", "delta", "epsilon"})
