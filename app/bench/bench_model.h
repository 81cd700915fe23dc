// quantscope-bench --model: the model report on a generated model against the per-tensor loop
// of quantize commands it replaces (bench_model.cpp).
#pragma once

// Writes the model to a temporary folder, times the reports and the loops (`runs` rounds, each
// timing every one in turn; the best of each) and prints the times, their ratios and the peak
// memory (JSON with `json`). Returns the exit code.
int runModelBench(int runs, bool json);
