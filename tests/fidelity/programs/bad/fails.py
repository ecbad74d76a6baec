raise ValueError("this snippet is broken")
