import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def same_storage(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


grid = torch.arange(6, device=device).view(2, 3)
flipped = grid.T  # transpose: a view with the strides swapped, no data moved
print("grid:   ", grid.tolist(), "stride", grid.stride(), "contiguous", grid.is_contiguous())
print("grid.T: ", flipped.tolist(), "stride", flipped.stride(), "contiguous", flipped.is_contiguous())
print("grid.T shares storage:", same_storage(flipped, grid))

# reshape returns a view when the strides allow it, and copies when they do not
flat_view = grid.reshape(6)
flat_copy = flipped.reshape(6)
print("grid.reshape(6) shares storage:  ", same_storage(flat_view, grid), flat_view.tolist())
print("grid.T.reshape(6) shares storage:", same_storage(flat_copy, grid), flat_copy.tolist())

# contiguous() copies into row-major order; after that .view works
packed = flipped.contiguous()
print("contiguous():", packed.stride(), packed.is_contiguous(), same_storage(packed, grid))
print("contiguous().view(6):", packed.view(6).tolist())
print("contiguous() of a contiguous tensor is itself:", grid.contiguous() is grid)
