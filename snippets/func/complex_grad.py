import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# L = |z|^2 = z * conj(z), a real loss of one complex parameter.
z = torch.tensor(3.0 + 4.0j, device=device, requires_grad=True)
L = (z * z.conj()).real
L.backward()
print("z =", z.item(), " L =", L.item(), " z.grad =", z.grad.item())
print("z.grad == 2 z:", torch.allclose(z.grad, 2 * z.detach()), " (dL/dz* = z, so z.grad = 2 dL/dz*)")
print("torch.func.grad agrees:", torch.allclose(torch.func.grad(lambda t: (t * t.conj()).real)(z.detach()), z.grad))

# The same loss over two real numbers (Re z, Im z): the gradient packs dL/dRe + i dL/dIm.
xy = torch.tensor([3.0, 4.0], device=device, requires_grad=True)
(xy**2).sum().backward()
print("real view: dL/dRe, dL/dIm =", xy.grad.tolist(), " as complex:", torch.view_as_complex(xy.grad).item())

# Gradient descent with complex parameters: fit w so that w * a matches b = w_true * a.
w_true = torch.tensor(0.5 - 2.0j, device=device)
a = torch.randn(32, dtype=torch.complex64, device=device)
b = w_true * a
w = torch.zeros((), dtype=torch.complex64, device=device, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
for step in range(100):
    opt.zero_grad()
    loss = ((w * a - b).abs() ** 2).mean()  # real-valued
    loss.backward()
    opt.step()
print("w after 100 SGD steps:", complex(round(w.real.item(), 4), round(w.imag.item(), 4)))
print("converged to w_true:", torch.allclose(w.detach(), w_true, atol=1e-4), " loss below 1e-8:", loss.item() < 1e-8)
