# The same library warning, triggered twice: Python shows it twice, because the first
# call imports sympy lazily, and that import changes the warnings filters (which resets
# every "already shown" registry). A worker that had run this code path itself would
# make the fork skip the import, and the second warning would be missing.
import torch
from torch.masked import as_masked_tensor

data = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
mask = torch.tensor([True, False, True])
first = as_masked_tensor(data, mask)
second = as_masked_tensor(data, mask)
print(first.sum(), second.sum())
