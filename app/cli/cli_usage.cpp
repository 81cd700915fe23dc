// Usage texts of quantscope-cli (kept together so docs/CLI.md and --help stay in step). The lists
// of schemes, range methods and rounding modes and their descriptions come from
// core/config/choices.h, so the help names every one the core has.
#include "cli_commands.h"

#include "core/config/choices.h"
#include "core/config/config_fields.h"
#include "core/quant/gguf_export.h"

namespace qs::cli {

namespace {

constexpr int kWidth = 90;

// `lead` followed by the words, separated by spaces and wrapped at kWidth; continuation lines
// are indented to the end of the lead.
QString wrapWords(const QString& lead, const QStringList& words)
{
    QString out = lead, line = lead;
    const QString indent(lead.size(), QLatin1Char(' '));
    for (const QString& w : words) {
        const bool first = line.size() == lead.size();
        if (!first && line.size() + 1 + w.size() > kWidth) {
            out += QLatin1Char('\n') + indent;
            line = indent;
        } else if (!first) {
            out += QLatin1Char(' ');
            line += QLatin1Char(' ');
        }
        out += w;
        line += w;
    }
    return out + QLatin1Char('\n');
}

template <class E> QStringList namesOf()
{
    QStringList names;
    for (const Choice<E>& c : choices<E>())
        names << QString::fromLatin1(c.name);
    return names;
}

// The names every SCHEME, METHOD and MODE may be, indented under OPTIONS.
QString choiceLists()
{
    return wrapWords("         SCHEME: ", namesOf<Scheme>()) +
           wrapWords("         METHOD: ", namesOf<RangeMethod>()) +
           wrapWords("         MODE:   ", namesOf<Rounding>()) +
           "         ('quantscope-cli help schemes' describes each)\n";
}

// The options whose value is an E ("--rounding, --zero-point-rounding").
template <class E> QString flagsOf()
{
    QStringList flags;
    forEachField([&](const auto& f) {
        if constexpr (std::is_same_v<std::decay_t<decltype(f.defaultValue())>, E>)
            flags << "--" + QString::fromLatin1(f.flag);
    });
    return flags.join(QStringLiteral(", "));
}

// One section of `help schemes`: each name with its description, wrapped.
template <class E> QString describeAll(const QString& title)
{
    QString out = title + " (" + flagsOf<E>() + "):\n";
    for (const Choice<E>& c : choices<E>()) {
        const QString name = QString::fromLatin1(c.name);
        const QString lead = "  " + name + QString(16 - name.size(), QLatin1Char(' '));
        out += wrapWords(lead, QString::fromUtf8(c.description).split(QLatin1Char(' ')));
    }
    return out;
}

} // namespace

QString mainUsage()
{
    return QStringLiteral(
               "Usage:\n"
               "  quantscope-cli info FILE                 tensors in a file: name, dtype, shape, "
               "min, max,\n"
               "                                           mean, std, non-finite count\n"
               "  quantscope-cli export FILE[:TENSOR] OUT.npy | export FILE --all DIR\n"
               "                                           tensors as loaded (float32) to .npy\n"
               "  quantscope-cli quantize SOURCE [OPTIONS] [OUTPUTS]\n"
               "  quantscope-cli plot SOURCE [OPTIONS] --chart KIND --out FILE.png|.svg|.pdf\n"
               "                      [--width W --height H]\n"
               "  quantscope-cli plot --lesson NAME|FILE.json [--step N] [--chart KIND] --out "
               "FILE\n"
               "  quantscope-cli inspect SOURCE --scheme SCHEME [OPTIONS] --block N [--json]\n"
               "                                           one block: its bytes, fields and "
               "elements\n"
               "  quantscope-cli model FILE --schemes S1,S2,... [--include R] [--exclude R]\n"
               "                      [--imatrix F] [--report F.json|-] [--csv F.csv]\n"
               "                                           every tensor of a model under "
               "every scheme\n"
               "  quantscope-cli presets                   named presets (PyTorch, ONNX Runtime, "
               "TensorRT,\n"
               "                                           GGML, bitsandbytes, OCP, the course "
               "notebooks)\n"
               "  quantscope-cli --version | --help | help COMMAND | help schemes\n"
               "\n"
               "SOURCE:  --input PATH[:TENSOR]   (TENSOR picks a tensor of "
               ".npz/.safetensors/.gguf/.onnx/.pt)\n"
               "      |  --generate uniform|normal|laplace|he|bimodal --shape 4096x1024 [--seed "
               "S]\n"
               "         [--low L --high H] [--mean M --std S] [--outliers K --outlier-value V]\n"
               "         [--decimals D]\n"
               "OPTIONS: [--preset NAME] --bits B --scheme SCHEME [--signed] [--full-range]\n"
               "         [--no-include-zero] --range METHOD [--percentile P]\n"
               "         --granularity tensor|channel|group [--axis A] [--group-size G]\n"
               "         --rounding MODE\n") +
           choiceLists() +
           QStringLiteral(
               "OUTPUTS: --report FILE.json (- for stdout)  --codes FILE.npy  --dequantized "
               "FILE.npy\n"
               "         --csv FILE.csv  --gguf FILE.gguf\n"
               "\n"
               "Exit status: 0 ok, 1 output not written, 2 usage error, 3 bad input file.\n");
}

QString infoUsage()
{
    return QStringLiteral("Usage: quantscope-cli info FILE [--grayscale]\n"
                          "Lists every tensor in FILE (.npy .npz .safetensors .gguf .onnx .pt .pth "
                          ".bin .csv .txt or an "
                          "image) with dtype, shape,\nmin, max, mean, std and non-finite count.\n");
}

QString exportUsage()
{
    return QStringLiteral(
        "Usage: quantscope-cli export FILE[:TENSOR] OUT.npy\n"
        "       quantscope-cli export FILE --all DIR\n"
        "Writes a tensor as QuantScope loads it (float32, dequantized from its stored type) as a\n"
        ".npy file; --all writes every tensor of FILE as DIR/NAME.npy (DIR is created; characters\n"
        "other than letters, digits, '-', '_' and '.' in NAME become '_'). OUT never replaces the\n"
        "input file.\n");
}

QString quantizeUsage()
{
    return QStringLiteral(
               "Usage: quantscope-cli quantize SOURCE [OPTIONS] [OUTPUTS]\n"
               "Quantizes the tensor and writes the requested outputs; without OUTPUTS it prints "
               "a summary.\n"
               "SOURCE:  --input PATH[:TENSOR] | --generate DIST [--shape S --seed S ...]\n"
               "OPTIONS: --preset --bits --scheme --signed --full-range --no-include-zero --range\n"
               "         --percentile --no-saturate --codebook\n"
               "         --granularity --axis --group-size --rounding (all of them: --help)\n"
               "IMPORTANCE (GGML schemes but q8_0, llama.cpp's weighted quantizers):\n"
               "         --imatrix FILE [--imatrix-tensor NAME]  llama.cpp imatrix (GGUF or "
               "legacy\n"
               "                           .dat); the entry of the input tensor's name by default\n"
               "         --importance FILE.npy  one weight per column (the last axis)\n") +
           choiceLists() +
           QStringLiteral("OUTPUTS: --report FILE.json|-  --codes FILE.npy  --dequantized "
                          "FILE.npy  --csv FILE.csv\n"
                          "         --gguf FILE.gguf  the quantized tensor as llama.cpp stores it\n"
                          "                           (schemes ") +
           QString::fromStdString(ggufWritableSchemes()) + ")\n";
}

QString plotUsage()
{
    return QStringLiteral(
        "Usage: quantscope-cli plot SOURCE [OPTIONS] --chart KIND --out FILE.png|.svg|.pdf\n"
        "                           [--width W --height H]\n"
        "       quantscope-cli plot --lesson NAME|FILE.json [--step N] [--chart KIND] --out FILE\n"
        "KIND: values, codes, histogram, error-histogram, channels, convergence, number-line,\n"
        "sweep, clipping. Rendered headless. --lesson: the lesson's data and configuration\n"
        "(step N, default 1); the chart defaults to the lesson's.\n");
}

QString inspectUsage()
{
    return QStringLiteral(
               "Usage: quantscope-cli inspect SOURCE --scheme SCHEME [OPTIONS] --block N [--json]\n"
               "Quantizes the tensor and prints block N (from 0) as the format stores it: its "
               "bytes in hex\n"
               "(16 per line), the fields decoded from them (fp16 d and dmin, sub-block scales "
               "and mins,\n"
               "E8M0 exponents, absmax, scale and zero point) and a row per element: i, x, "
               "code, grid\n"
               "index (non-linear grids), grid value, x^, error. --json prints the same as "
               "JSON.\n"
               "SOURCE:  FILE[:TENSOR] | --input PATH[:TENSOR] | --generate DIST [--shape S "
               "--seed S ...]\n"
               "OPTIONS: as for quantize (--preset, --scheme, --group-size, ...); the scheme "
               "must have\n"
               "         blocks (GGML, MX, NF4/FP4, bitsandbytes blockwise, a code book or "
               "integer\n"
               "         --granularity group)\n") +
           choiceLists();
}

QString modelUsage()
{
    return QStringLiteral(
        "Usage: quantscope-cli model FILE --schemes S1,S2,... [--include REGEX] [--exclude REGEX]\n"
        "                            [--imatrix FILE] [--quantize-vectors] [--top N]\n"
        "                            [--report FILE.json|-] [--csv FILE.csv] [OPTIONS]\n"
        "Quantizes every tensor of the model FILE (.safetensors, sharded sets, .gguf, .onnx, .pt,\n"
        ".npz) with every scheme, one tensor at a time, and prints a table of the tensors, worst\n"
        "first by the first scheme's relative RMSE, and each scheme's totals over the model.\n"
        "A tensor's numbers are those of 'quantize --input FILE:TENSOR' with the same scheme.\n"
        "SCHEMES: preset names (ggml-q4_0, bnb-nf4, ...), scheme names (q8_0, q4_k, nf4, ...;\n"
        "         OPTIONS such as --bits or --granularity fill in what a scheme name leaves open)\n"
        "         and integer shorthands: int8-channel, int4-tensor, uint4-g128 (int: symmetric,\n"
        "         uint: asymmetric; per output channel, per tensor or per group of N of a row).\n"
        "GGML rows: llama.cpp's rules. A k-quant on rows that are not a multiple of 256 takes\n"
        "         its fallback type (q2_k, q3_k, iq4_xs -> iq4_nl; q4_k -> q5_0; q5_k -> q5_1;\n"
        "         q6_k -> q8_0), f16 if the row is not a multiple of 32 either; a 32-block type\n"
        "         on such rows is not applied. 1-D tensors (norms, biases) are kept as stored\n"
        "         unless --quantize-vectors. Tensors not quantized count in the totals with\n"
        "         their stored size and no error.\n"
        "--imatrix FILE: llama.cpp imatrix (entries named as the tensors) or a .npy vector;\n"
        "         adds the importance-weighted squared error and steers the GGML quantizers\n"
        "         that have a weighted path, as 'quantize --imatrix' does.\n"
        "--budget-bpw B | --budget-bytes N: one scheme per tensor for the least total squared\n"
        "         error (weighted with --imatrix) within the budget, beside the best single\n"
        "         scheme; --plan FILE.json evaluates a saved plan instead; --tensor-types F.txt\n"
        "         writes it for llama-quantize --tensor-type-file.\n"
        "--against QUANTIZED: a quantized copy's stored error per tensor beside the schemes'\n"
        "         (Hugging Face names paired with GGUF names, q/k rotary rows unpermuted).\n"
        "A progress line goes to stderr when it is a terminal. README 'Model report JSON'\n"
        "documents the --report file; docs/CLI.md the planner and the audit.\n");
}

QString schemesUsage()
{
    return describeAll<Scheme>(QStringLiteral("Schemes")) + "\n" +
           describeAll<RangeMethod>(QStringLiteral("Range methods")) + "\n" +
           describeAll<Rounding>(QStringLiteral("Rounding modes")) + "\n" +
           describeAll<MxScaleRounding>(QStringLiteral("MX shared-scale rounding"));
}

} // namespace qs::cli
