// Usage texts of quantscope-cli (kept together so docs/CLI.md and --help stay in step).
#include "cli_commands.h"

namespace qs::cli {

QString mainUsage()
{
    return QStringLiteral(
        "Usage:\n"
        "  quantscope-cli info FILE                 tensors in a file: name, dtype, shape, min, "
        "max,\n"
        "                                           mean, std, non-finite count\n"
        "  quantscope-cli quantize SOURCE [OPTIONS] [OUTPUTS]\n"
        "  quantscope-cli plot SOURCE [OPTIONS] --chart KIND --out FILE.png|.svg|.pdf\n"
        "                      [--width W --height H]\n"
        "  quantscope-cli plot --lesson NAME|FILE.json [--step N] [--chart KIND] --out FILE\n"
        "  quantscope-cli presets                   named presets (PyTorch, ONNX Runtime, "
        "TensorRT,\n"
        "                                           GGML, bitsandbytes, OCP, the seeds)\n"
        "  quantscope-cli --version | --help | help COMMAND\n"
        "\n"
        "SOURCE:  --input PATH[:TENSOR]   (TENSOR picks a member of .npz/.safetensors)\n"
        "      |  --generate uniform|normal|laplace|he|bimodal --shape 4096x1024 [--seed S]\n"
        "         [--low L --high H] [--mean M --std S] [--outliers K --outlier-value V]\n"
        "         [--decimals D]\n"
        "OPTIONS: [--preset NAME] --bits B --scheme asymmetric|symmetric|fp16|bf16|SCHEME\n"
        "         (low-bit SCHEME: e4m3 e5m2 e2m1 mxfp8-e4m3 mxfp8-e5m2 mxfp4 mxint8 nf4 fp4\n"
        "         codebook lloyd-max q8_0 q4_0 q4_1 absmax-int8) [--signed] [--full-range]\n"
        "         [--no-include-zero] --range minmax|percentile|mse|entropy [--percentile P]\n"
        "         --granularity tensor|channel|group [--axis A] [--group-size G]\n"
        "         --rounding half-even|half-away|half-up|floor|truncate|stochastic\n"
        "OUTPUTS: --report FILE.json (- for stdout)  --codes FILE.npy  --dequantized FILE.npy\n"
        "         --csv FILE.csv\n"
        "\n"
        "Exit status: 0 ok, 1 output not written, 2 usage error, 3 bad input file.\n");
}

QString infoUsage()
{
    return QStringLiteral("Usage: quantscope-cli info FILE [--grayscale]\n"
                          "Lists every tensor in FILE (.npy .npz .safetensors .csv .txt or an "
                          "image) with dtype, shape,\nmin, max, mean, std and non-finite count.\n");
}

QString quantizeUsage()
{
    return QStringLiteral(
        "Usage: quantscope-cli quantize SOURCE [OPTIONS] [OUTPUTS]\n"
        "Quantizes the tensor and writes the requested outputs; without OUTPUTS it prints a "
        "summary.\n"
        "SOURCE:  --input PATH[:TENSOR] | --generate DIST [--shape S --seed S ...]\n"
        "OPTIONS: --preset --bits --scheme --signed --full-range --no-include-zero --range\n"
        "         --percentile --no-saturate --codebook\n"
        "         --granularity --axis --group-size --rounding (all of them: --help)\n"
        "OUTPUTS: --report FILE.json|-  --codes FILE.npy  --dequantized FILE.npy  --csv "
        "FILE.csv\n");
}

QString plotUsage()
{
    return QStringLiteral(
        "Usage: quantscope-cli plot SOURCE [OPTIONS] --chart KIND --out FILE.png|.svg|.pdf\n"
        "                           [--width W --height H]\n"
        "       quantscope-cli plot --lesson NAME|FILE.json [--step N] [--chart KIND] --out FILE\n"
        "KIND: values, codes, histogram, error-histogram, channels, number-line, sweep,\n"
        "clipping. Rendered headless. --lesson: the lesson's data and configuration (step N,\n"
        "default 1); the chart defaults to the lesson's.\n");
}

} // namespace qs::cli
