# Twelve strings: two hash seeds give the same order about once in 12! runs, so this
# test cannot pass or fail by chance. A five-string set would print the same order
# under two seeds about once in 90 builds (measured), and the build would accept it.
print({"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"})
