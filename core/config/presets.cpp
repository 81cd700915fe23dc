// The presets of presets.h. Sources: PyTorch torch/ao/quantization (observer.py, utils.py),
// ONNX Runtime quantization (quant_utils.py, calibrate.py), NVIDIA pytorch-quantization
// (tensor_quant.py, calib/), llama.cpp ggml-quants.c, bitsandbytes functional.py, and the course
// notebooks of docs/REFERENCES.md (tests/core/config/tst_presets.cpp holds the numbers each preset
// is tested against).
#include "core/config/presets.h"

#include "core/base/error.h"
#include "core/base/name_table.h"
#include "core/config/choices.h"

#include <algorithm>
#include <utility>

namespace qs {

namespace {

// PyTorch quantize_per_tensor: q = clamp(zp + nearbyint(x * float(1 / scale))), float32 scale,
// zp = qmin - round(min_neg / scale); MinMaxObserver widens the range to contain 0.
QuantConfig pytorchBase()
{
    QuantConfig c;
    c.rounding = Rounding::HalfEven;
    c.roundingOrder = RoundingOrder::BeforeZeroPoint;
    c.zeroPointRounding = Rounding::HalfEven;
    c.multiplyByInverse = true;
    c.float32Params = true;
    c.includeZero = true;
    c.constantRange = ConstantRange::PyTorchEps; // scale >= 2^-23
    return c;
}

// PyTorch symmetric qint8: scale = amax / ((qmax - qmin) / 2) = amax / 127.5, codes [-128, 127].
QuantConfig pytorchSymmetric()
{
    QuantConfig c = pytorchBase();
    c.scheme = Scheme::Symmetric;
    c.symmetricScale = SymmetricScale::HalfSpan;
    c.fullRange = true;
    return c;
}

// ONNX Runtime QuantizeLinear: q = clip(round(x / scale) + zp), half to even, float32 scale.
QuantConfig ortBase()
{
    QuantConfig c;
    c.rounding = Rounding::HalfEven;
    c.roundingOrder = RoundingOrder::BeforeZeroPoint;
    c.zeroPointRounding = Rounding::HalfEven;
    c.float32Params = true;
    c.includeZero = true;
    c.constantRange = ConstantRange::OnnxOne; // scale < tiny -> 1, zp 0
    return c;
}

QuantConfig ortSymmetric()
{
    QuantConfig c = ortBase();
    c.scheme = Scheme::Symmetric; // [-127, 127], scale = amax / 127
    c.fullRange = false;
    c.symmetricScale = SymmetricScale::MaxCode;
    return c;
}

// pytorch-quantization: s = 127 / amax, q = clamp(round(x * s)), x^ = q / s; narrow_range off by
// default (codes [-128, 127]).
QuantConfig trtBase(bool narrow)
{
    QuantConfig c;
    c.scheme = Scheme::Symmetric;
    c.symmetricScale = SymmetricScale::MaxCode;
    c.fullRange = !narrow;
    c.rounding = Rounding::HalfEven;
    c.roundingOrder = RoundingOrder::BeforeZeroPoint;
    c.multiplyByInverse = true;
    c.float32Params = true;
    c.reciprocalScale = true;
    return c;
}

QuantConfig lowbit(Scheme s, int64_t block = 32)
{
    QuantConfig c;
    c.scheme = s;
    c.granularity = Granularity::PerGroup;
    c.axis = 0;
    c.groupSize = block;
    return c;
}

void add(std::vector<Preset>& v, const std::string& name, const char* system,
         const std::string& description, const QuantConfig& c)
{
    v.push_back(Preset{name, system, description, c});
}

// PyTorch observers and quantize_per_tensor.
void addPyTorch(std::vector<Preset>& v)
{
    add(v, "pytorch-quint8-affine", "PyTorch",
        "MinMaxObserver quint8 per-tensor affine: range widened to 0, zp = round(-min/s), "
        "q = zp + nearbyint(x * float32(1/s))",
        pytorchBase());
    add(v, "pytorch-qint8-symmetric", "PyTorch",
        "qint8 per-tensor symmetric: s = amax/127.5, codes [-128, 127], x times the float32 "
        "inverse scale",
        pytorchSymmetric());
    {
        QuantConfig c = pytorchSymmetric();
        c.unsignedSymmetric = true;
        add(v, "pytorch-quint8-symmetric", "PyTorch",
            "quint8 per-tensor symmetric: codes [0, 255], zp 128, s = amax/127.5, x times the "
            "float32 inverse scale",
            c);
    }
    {
        QuantConfig c = pytorchSymmetric();
        c.granularity = Granularity::PerChannel;
        c.axis = 0;
        add(v, "pytorch-per-channel-symmetric", "PyTorch",
            "PerChannelMinMaxObserver weights: qint8 symmetric per channel (ch_axis 0), "
            "s = amax/127.5",
            c);
    }
    {
        QuantConfig c = pytorchBase();
        c.bits = 7;
        c.clampBits = 8;
        add(v, "pytorch-reduce-range", "PyTorch",
            "quint8 with reduce_range: s = (max-min)/127 and zp in [0, 127] (7 bits), codes "
            "clamped to quint8's [0, 255] as quantize_per_tensor does",
            c);
    }
}

// ONNX Runtime QuantizeLinear and its calibrators.
void addOnnxRuntime(std::vector<Preset>& v)
{
    add(v, "ort-uint8-asymmetric", "ONNX Runtime",
        "uint8 asymmetric [0, 255]: range widened to 0, q = round(x/s) + zp (half-even); ORT "
        "computes s in float64 and casts it to float32",
        ortBase());
    add(v, "ort-int8-symmetric", "ONNX Runtime",
        "int8 symmetric [-127, 127]: s = amax/127, q = round(x/s) (half-even)", ortSymmetric());
    {
        QuantConfig c = ortSymmetric();
        c.range = RangeMethod::OrtPercentile;
        c.percentile = 99.999;
        add(v, "ort-percentile", "ONNX Runtime",
            "int8 symmetric, PercentileCalibrater defaults: 2048-bin histogram of |x|, threshold "
            "= the bin edge where the cdf reaches 99.999% (float32), clipped to [min, max]",
            c);
    }
    {
        QuantConfig c = ortSymmetric();
        c.range = RangeMethod::OrtEntropy;
        add(v, "ort-entropy", "ONNX Runtime",
            "int8 symmetric, EntropyCalibrater defaults (128 bins, 128 quantized bins): one "
            "window, the whole histogram, so the thresholds are [min, max]",
            c);
    }
}

// TensorRT's toolkit (NVIDIA pytorch-quantization): each calibrator with and without narrow
// range.
void addTensorRT(std::vector<Preset>& v)
{
    struct Calib {
        const char* name;
        RangeMethod method;
        const char* text;
    };
    const Calib calibs[] = {
        {"max", RangeMethod::MinMax, "max calibrator (amax = max |x|)"},
        {"percentile", RangeMethod::TrtPercentile,
         "percentile 99.99 calibrator (amax = edge of a 2048-bin histogram of |x|)"},
        {"entropy", RangeMethod::Entropy,
         "entropy calibrator (KL on 2048 bins of |x| from bin 128, last minimum)"},
        {"mse", RangeMethod::TrtMse,
         "mse calibrator (amax = the 2048-bin histogram centre of least fake-quantized error)"},
    };
    for (const Calib& k : calibs) {
        for (bool narrow : {false, true}) {
            QuantConfig c = trtBase(narrow);
            c.range = k.method;
            c.percentile = 99.99;
            const std::string name = std::string("trt-") + k.name + (narrow ? "-narrow" : "");
            const std::string codes = narrow ? "narrow_range on, codes [-127, 127]"
                                             : "narrow_range off, codes [-128, 127]";
            add(v, name, "TensorRT",
                std::string(k.text) + ", " + codes +
                    "; s' = float32(127/amax), q = round(x*s'), x^ = q/s'",
                c);
        }
    }
}

// GGML (llama.cpp) blocks.
void addGgml(std::vector<Preset>& v)
{
    add(v, "ggml-q8_0", "GGML",
        "Q8_0: blocks of 32 along rows, d = amax/127 stored as fp16, q = roundf(x/d); 8.5 "
        "bits/element",
        lowbit(Scheme::Q8_0));
    add(v, "ggml-q4_0", "GGML",
        "Q4_0: blocks of 32, d = max/-8 (signed largest magnitude) as fp16, 4.5 bits/element",
        lowbit(Scheme::Q4_0));
    add(v, "ggml-q4_1", "GGML",
        "Q4_1: blocks of 32, d = (max-min)/15 and m = min as fp16, 5.0 bits/element",
        lowbit(Scheme::Q4_1));
    const Scheme searched[] = {Scheme::Q5_0, Scheme::Q5_1,   Scheme::Q2_K,
                               Scheme::Q3_K, Scheme::Q4_K,   Scheme::Q5_K,
                               Scheme::Q6_K, Scheme::IQ4_NL, Scheme::IQ4_XS};
    for (Scheme s : searched)
        add(v, "ggml-" + toName(s), "GGML",
            describe(s).substr(5) + "; quantized as llama.cpp's quantizer does, bit for bit",
            lowbit(s));
}

// bitsandbytes code books and blockwise 8-bit, and their linear counterpart.
void addBitsandbytes(std::vector<Preset>& v)
{
    add(v, "bnb-nf4", "bitsandbytes",
        "NF4 code book, float32 absmax per block of 64 of the flattened tensor (no double "
        "quantization of the absmax)",
        lowbit(Scheme::NF4, 64));
    add(v, "bnb-fp4", "bitsandbytes",
        "bitsandbytes FP4 code book (not OCP E2M1), float32 absmax per block of 64",
        lowbit(Scheme::FP4, 64));
    add(v, "bnb-dynamic8", "bitsandbytes",
        "blockwise 8-bit (quantize_blockwise default): dynamic map create_dynamic_map(), float32 "
        "absmax per block of 4096, x * (1/absmax) coded by dQuantize's binary search",
        lowbit(Scheme::Dynamic8, 4096));
    add(v, "absmax-int8-blockwise", "linear",
        "linear int8 absmax blocks of 4096, q = round(x*127/absmax): the uniform counterpart of "
        "bnb-dynamic8 (not a bitsandbytes code)",
        lowbit(Scheme::AbsmaxInt8, 4096));
}

// HQQ (mobiusml/hqq BaseQuantizeConfig defaults: nbits 4, group_size 64, axis 1, zero point
// and scale not quantized): groups of 64 along axis 1, the input dimension of a row-major
// [out, in] weight, as hqq groups W.reshape(-1, 64); min-max scale of each group's own range,
// zero point optimised by the proximal iterations.
void addHqq(std::vector<Preset>& v)
{
    QuantConfig c;
    c.bits = 4;
    c.granularity = Granularity::PerGroup;
    c.groupSize = 64;
    c.axis = 1;
    c.includeZero = false;
    c.range = RangeMethod::Hqq;
    add(v, "hqq-4bit-g64", "HQQ",
        "4-bit asymmetric groups of 64 along axis 1 (a weight's rows), scale from each group's "
        "min-max, "
        "real zero point from HQQ's proximal iterations (hqq's defaults)",
        c);
}

// OCP float8 and microscaling formats.
void addOcp(std::vector<Preset>& v)
{
    {
        QuantConfig c;
        c.scheme = Scheme::E4M3;
        add(v, "ocp-e4m3", "OCP", "float8 E4M3 (FN, max 448) element-wise, saturating (ONNX Cast)",
            c);
        c.scheme = Scheme::E5M2;
        add(v, "ocp-e5m2", "OCP", "float8 E5M2 (max 57344) element-wise, saturating (ONNX Cast)",
            c);
    }
    struct Mx {
        const char* name;
        Scheme scheme;
        const char* description;
    };
    static const Mx kMx[] = {
        {"ocp-mxfp4", Scheme::MXFP4,
         "MXFP4: E2M1 elements, E8M0 scale per 32 along rows, 4.25 bits"},
        {"ocp-mxfp8-e4m3", Scheme::MXFP8_E4M3,
         "MXFP8 E4M3: E8M0 scale per 32 along rows, 8.25 bits"},
        {"ocp-mxfp6-e2m3", Scheme::MXFP6_E2M3,
         "MXFP6 E2M3: E2M3 elements (max 7.5), E8M0 scale per 32 along rows, 6.25 bits"},
        {"ocp-mxfp6-e3m2", Scheme::MXFP6_E3M2,
         "MXFP6 E3M2: E3M2 elements (max 28), E8M0 scale per 32 along rows, 6.25 bits"},
    };
    for (const Mx& m : kMx)
        add(v, m.name, "OCP", m.description, lowbit(m.scheme));
}

// NVIDIA's NVFP4 (ModelOpt, TensorRT-LLM) and the FNUZ float8 of AMD Instinct MI300 (ONNX
// float8e4m3fnuz / float8e5m2fnuz).
void addVendorFloats(std::vector<Preset>& v)
{
    add(v, "modelopt-nvfp4", "NVIDIA ModelOpt",
        "NVFP4: E2M1 elements, E4M3 scale per 16 along rows, fp32 tensor scale amax / 2688; 4.5 "
        "bits",
        lowbit(Scheme::NVFP4, 16));
    QuantConfig c;
    c.scheme = Scheme::E4M3FNUZ;
    add(v, "amd-mi300-e4m3fnuz", "AMD MI300 / ONNX",
        "float8 E4M3FNUZ (bias 8, max 240, NaN = 0x80) element-wise, saturating (ONNX Cast)", c);
    c.scheme = Scheme::E5M2FNUZ;
    add(v, "amd-mi300-e5m2fnuz", "AMD MI300 / ONNX",
        "float8 E5M2FNUZ (bias 16, max 57344, NaN = 0x80) element-wise, saturating (ONNX Cast)", c);
}

// The course notebooks (docs/REFERENCES.md), one preset per configuration a notebook computes.
void addNotebooks(std::vector<Preset>& v)
{
    {
        QuantConfig c;
        c.includeZero = false;
        c.rounding = Rounding::Truncate;
        add(v, "notebook-truncation", "notebook",
            "uint8 min-max affine, range not widened to 0, codes truncated (.astype(np.uint8))", c);
    }
    {
        QuantConfig c;
        c.includeZero = false;
        add(v, "notebook-asymmetric", "notebook", "uint8 asymmetric min-max, half-even, float64",
            c);
        c.scheme = Scheme::Symmetric;
        c.fullRange = true;
        add(v, "notebook-symmetric", "notebook",
            "symmetric s = amax/127 with codes clamped to [-128, 127], half-even", c);
    }
    {
        QuantConfig c;
        c.range = RangeMethod::Percentile;
        c.percentile = 99.99;
        add(v, "notebook-percentile", "notebook",
            "uint8 asymmetric, percentile 99.99 range (numpy linear) against an outlier", c);
    }
    {
        QuantConfig c;
        c.float32Params = true;
        c.rounding = Rounding::Truncate;
        c.includeZero = false;
        add(v, "notebook-float32-truncation", "notebook",
            "TF Quantizer: uint8 min-max in float32, range not widened, truncated (tf.cast)", c);
    }
    {
        QuantConfig c;
        c.signedCodes = true;
        add(v, "notebook-signed-affine", "notebook",
            "int8 affine onto the signed range [-128, 127]: z = -round(min*255/(max-min)) - 128",
            c);
        QuantConfig s;
        s.scheme = Scheme::Symmetric;
        add(v, "notebook-scale", "notebook",
            "scale quantization: restricted range [-127, 127], s = amax/127", s);
    }
}

// Old names of the notebook presets, still accepted (command line, sessions, lesson files).
constexpr std::pair<const char*, const char*> kOldNames[] = {
    {"seed000", "notebook-truncation"},          {"seed001", "notebook-asymmetric"},
    {"seed001-symmetric", "notebook-symmetric"}, {"seed002", "notebook-percentile"},
    {"seed003", "notebook-float32-truncation"},  {"seed004", "notebook-signed-affine"},
    {"seed004-symmetric", "notebook-scale"},
};

// Titles of the systems whose `system` field is a short key.
constexpr std::pair<const char*, const char*> kSystemTitles[] = {
    {"GGML", "llama.cpp / GGML"},
    {"OCP", "OCP float8 and MX"},
    {"linear", "Uniform blockwise"},
    {"notebook", "Course notebooks"},
};

std::vector<Preset> makePresets()
{
    std::vector<Preset> v;
    addPyTorch(v);
    addOnnxRuntime(v);
    addTensorRT(v);
    addGgml(v);
    addBitsandbytes(v);
    addHqq(v);
    addOcp(v);
    addVendorFloats(v);
    addNotebooks(v);
    for (Preset& p : v) // reports say which preset a config came from
        p.config.preset = p.name;
    return v;
}

} // namespace

std::vector<Preset> presets()
{
    return makePresets();
}

std::string currentPresetName(const std::string& name)
{
    for (const auto& [old, current] : kOldNames)
        if (name == old)
            return current;
    return name;
}

const Preset& presetByName(const std::string& name)
{
    // An old name gives the preset of its current name under the old name, so that reports
    // made with it keep naming it as before.
    static const std::vector<Preset> all = makePresets();
    static const std::vector<Preset> renamed = [] {
        std::vector<Preset> v;
        for (const auto& [old, current] : kOldNames)
            for (const Preset& p : all)
                if (p.name == current) {
                    v.push_back(p);
                    v.back().name = v.back().config.preset = old;
                }
        return v;
    }();
    for (const std::vector<Preset>* list : {&all, &renamed})
        for (const Preset& p : *list)
            if (p.name == name)
                return p;
    const std::vector<std::string> names = presetNames();
    throw Error("unknown preset '" + name + "'" + didYouMean(name, names) +
                " (valid: " + joinedNames(names) + ")");
}

std::vector<std::string> presetNames()
{
    std::vector<std::string> out;
    for (const Preset& p : makePresets())
        out.push_back(p.name);
    return out;
}

std::string presetSystemTitle(const std::string& system)
{
    for (const auto& [key, title] : kSystemTitles)
        if (system == key)
            return title;
    return system;
}

std::vector<PresetGroup> presetGroups()
{
    std::vector<PresetGroup> groups;
    for (const Preset& p : presets()) {
        auto g = std::find_if(groups.begin(), groups.end(),
                              [&](const PresetGroup& x) { return x.system == p.system; });
        if (g == groups.end())
            g = groups.insert(groups.end(), {p.system, presetSystemTitle(p.system), {}});
        g->presets.push_back(p);
    }
    return groups;
}

} // namespace qs
