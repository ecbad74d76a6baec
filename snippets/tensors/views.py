import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def same_storage(a, b):
    """True when two tensors read and write the same memory."""
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


base = torch.arange(6, device=device)
grid = base.view(2, 3)  # a view: new shape, same memory
row = grid[1]  # indexing with an integer or a slice also gives a view
print("grid shares base's storage:", same_storage(grid, base), "| row too:", same_storage(row, base))

grid[0, 0] = 100  # write through the view...
row[2] = 500  # ...or through a view of the view
print("base after the writes:", base.tolist())

copy = base.clone()  # clone() copies into new memory
copy[1] = -1
print("clone shares storage:", same_storage(copy, base))
print("base after writing to the clone:", base.tolist())
print("clone:", copy.tolist())
