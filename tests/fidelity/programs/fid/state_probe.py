import logging
import os
import signal
import sys
import warnings

import torch

print(os.path.basename(sys.argv[0]), len(sys.argv))
print(sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
print(os.getcwd() == os.path.dirname(os.path.abspath(__file__)))
print(sorted(k for k in os.environ if k.startswith(("DOCEXEC", "PYTHONHASHSEED", "OMP_WAIT", "MPLBACKEND"))))
print(signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGPIPE), signal.getsignal(signal.SIGTERM))
print(len(warnings.filters), logging.getLogger().handlers, logging.getLogger().level)
print(torch.get_default_dtype(), torch.is_grad_enabled(), torch.are_deterministic_algorithms_enabled())
print(torch.get_num_threads() > 0)
print("sympy" in sys.modules, "matplotlib" in sys.modules, "torch._dynamo" in sys.modules)
print(sys.stdout.isatty(), sys.stdin.isatty(), sys.stdout.line_buffering)
