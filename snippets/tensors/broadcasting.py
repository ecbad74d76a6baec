import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

column = torch.tensor([[0.0], [1.0], [2.0]], device=device)  # shape (3, 1)
row = torch.tensor([0.0, 10.0, 20.0, 30.0], device=device)  # shape (4,)

# Align shapes from the right:   (3, 1)
#                                (   4)
# each pair of sizes must be equal, or one of them 1 (or missing) -> (3, 4)
table = column + row
print("column", tuple(column.shape), "+ row", tuple(row.shape), "->", tuple(table.shape))
for line in table.tolist():
    print("   ", line)

print("broadcast_shapes:", tuple(torch.broadcast_shapes((3, 1), (4,))))

# Nothing is copied to make the sizes match: expand() gives the same view
# broadcasting uses, with stride 0 along the repeated dimension.
stretched = column.expand(3, 4)
print("expand(3, 4) stride:", stretched.stride())
print("a scalar broadcasts to any shape:", (table * 2).shape == table.shape)
