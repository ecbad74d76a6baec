import gc
import weakref

import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def second_derivative(use_backward):
    w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = (w**3).sum()
    if use_backward:
        y.backward(create_graph=True)  # w.grad = 3 w^2, with a graph that leads back to w
        first = w.grad
    else:
        (first,) = torch.autograd.grad(y, w, create_graph=True)  # returned, not stored on w
    (second,) = torch.autograd.grad(first.sum(), w)
    return second, weakref.ref(w)  # a weak reference does not keep w alive


for use_backward in (True, False):
    second, w_ref = second_derivative(use_backward)
    gc.collect()
    name = "y.backward(create_graph=True)" if use_backward else "torch.autograd.grad(..., create_graph=True)"
    print(f"{name}: d2y/dw2 = {second.tolist()}, w alive after return: {w_ref() is not None}")
    if w_ref() is not None:
        print("  w.grad.grad_fn:", type(w_ref().grad.grad_fn).__name__, "-> ... -> w itself")
        w_ref().grad = None  # breaks the cycle
        print("  after w.grad = None, w alive:", w_ref() is not None)
