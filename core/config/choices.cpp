// The tables of choices.h (names and descriptions) and the name functions of quant_config.h
// built on them.
#include "core/config/choices.h"

#include "core/base/error.h"
#include "core/base/name_table.h"

namespace qs {

namespace {

// What the error messages call a value of each enum.
template <class E> const char* const kKind = nullptr;
template <> const char* const kKind<Scheme> = "scheme";
template <> const char* const kKind<RangeMethod> = "range method";
template <> const char* const kKind<Rounding> = "rounding mode";
template <> const char* const kKind<RoundingOrder> = "rounding order";
template <> const char* const kKind<Granularity> = "granularity";
template <> const char* const kKind<SymmetricScale> = "symmetric scale";
template <> const char* const kKind<ConstantRange> = "constant range";
template <> const char* const kKind<MxScaleRounding> = "MX scale rounding";

template <class E> const Choice<E>* find(E value)
{
    for (const Choice<E>& c : choices<E>())
        if (c.value == value)
            return &c;
    return nullptr;
}

} // namespace

namespace {

// The GGML types with searched scales, listed after Q4_1.
std::vector<Choice<Scheme>> searchedGgmlChoices()
{
    return {
        {Scheme::Q5_0, "q5_0",
         "GGML Q5_0: blocks of 32 along the last axis, d = max/-16 (the signed largest magnitude) "
         "as fp16, 5-bit codes; 5.5 bits/element"},
        {Scheme::Q5_1, "q5_1",
         "GGML Q5_1: blocks of 32 along the last axis, d = (max-min)/31 and m = min as fp16; 6.0 "
         "bits/element"},
        {Scheme::Q2_K, "q2_k",
         "GGML Q2_K (llama.cpp's search): super-blocks of 256 along the last axis, 2-bit codes, a "
         "4-bit scale and min per 16, fp16 d and dmin; 2.625 bits/element (rows: multiples of "
         "256)"},
        {Scheme::Q3_K, "q3_k",
         "GGML Q3_K (llama.cpp's search): super-blocks of 256 along the last axis, 3-bit codes, a "
         "6-bit scale per 16, fp16 d; 3.4375 bits/element (rows: multiples of 256)"},
        {Scheme::Q4_K, "q4_k",
         "GGML Q4_K (llama.cpp's search): super-blocks of 256 along the last axis, 4-bit codes, a "
         "6-bit scale and min per 32, fp16 d and dmin; 4.5 bits/element (rows: multiples of 256)"},
        {Scheme::Q5_K, "q5_k",
         "GGML Q5_K (llama.cpp's search): super-blocks of 256 along the last axis, 5-bit codes, a "
         "6-bit scale and min per 32, fp16 d and dmin; 5.5 bits/element (rows: multiples of 256)"},
        {Scheme::Q6_K, "q6_k",
         "GGML Q6_K (llama.cpp's search): super-blocks of 256 along the last axis, 6-bit codes, "
         "an 8-bit scale per 16, fp16 d; 6.5625 bits/element (rows: multiples of 256)"},
        {Scheme::IQ4_NL, "iq4_nl",
         "GGML IQ4_NL: blocks of 32 along the last axis, 4-bit indices into the non-linear grid "
         "-127..113, a searched fp16 scale; 4.5 bits/element"},
        {Scheme::IQ4_XS, "iq4_xs",
         "GGML IQ4_XS: the IQ4_NL grid in super-blocks of 256 along the last axis, a 6-bit scale "
         "per 32, fp16 d; 4.25 bits/element (rows: multiples of 256)"},
    };
}

// The element-wise floats, the OCP MX formats and NVFP4, listed after bf16.
std::vector<Choice<Scheme>> floatChoices()
{
    return {
        {Scheme::E4M3, "e4m3",
         "OCP float8 E4M3 \"FN\" (max 448, no inf), round to nearest even; overflow saturates "
         "or becomes NaN"},
        {Scheme::E5M2, "e5m2",
         "OCP float8 E5M2 (max 57344), round to nearest even; overflow saturates or becomes inf"},
        {Scheme::E4M3FNUZ, "e4m3fnuz",
         "float8 E4M3FNUZ (ONNX float8e4m3fnuz; AMD MI300): bias 8, max 240, no inf, no -0, NaN = "
         "0x80; round to nearest even; overflow saturates or becomes NaN"},
        {Scheme::E5M2FNUZ, "e5m2fnuz",
         "float8 E5M2FNUZ (ONNX float8e5m2fnuz; AMD MI300): bias 16, max 57344, no inf, no -0, "
         "NaN = 0x80; round to nearest even; overflow saturates or becomes NaN"},
        {Scheme::E2M1, "e2m1",
         "OCP float4 E2M1, the MXFP4 element (max 6), round to nearest even; always saturates"},
        {Scheme::MXFP8_E4M3, "mxfp8-e4m3",
         "OCP Microscaling: E4M3 elements, an E8M0 power-of-two scale per 32 along the last "
         "axis; 8.25 bits/element"},
        {Scheme::MXFP8_E5M2, "mxfp8-e5m2",
         "OCP Microscaling: E5M2 elements, an E8M0 scale per 32 along the last axis; 8.25 "
         "bits/element"},
        {Scheme::MXFP6_E2M3, "mxfp6-e2m3",
         "OCP Microscaling: E2M3 elements (max 7.5), an E8M0 scale per 32 along the last axis; "
         "6.25 bits/element"},
        {Scheme::MXFP6_E3M2, "mxfp6-e3m2",
         "OCP Microscaling: E3M2 elements (max 28), an E8M0 scale per 32 along the last axis; "
         "6.25 bits/element"},
        {Scheme::MXFP4, "mxfp4",
         "OCP Microscaling: E2M1 elements, an E8M0 scale per 32 along the last axis; 4.25 "
         "bits/element"},
        {Scheme::MXINT8, "mxint8",
         "OCP Microscaling: int8 elements, an E8M0 scale per 32 along the last axis; 8.25 "
         "bits/element"},
        {Scheme::NVFP4, "nvfp4",
         "NVIDIA NVFP4 (ModelOpt, TensorRT-LLM): E2M1 elements, an E4M3 scale per 16 along the "
         "last axis, an fp32 scale per tensor (amax / 2688); 4.5 bits/element"},
    };
}

// Every scheme, the float formats inserted after bf16 and the searched GGML types after q4_1.
std::vector<Choice<Scheme>> schemeTable()
{
    std::vector<Choice<Scheme>> table = {
        {Scheme::Asymmetric, "asymmetric",
         "affine integers: s = (beta - alpha) / (qmax - qmin), z = qmin - round(alpha / s); codes "
         "[0, 2^b-1], or [-2^(b-1), 2^(b-1)-1] when signed"},
        {Scheme::Symmetric, "symmetric",
         "s = max|x| / (2^(b-1) - 1), zero point 0; codes [-(2^(b-1)-1), 2^(b-1)-1], full range "
         "adds -2^(b-1)"},
        {Scheme::FP16, "fp16",
         "IEEE binary16: each value rounded to the nearest half-precision float (ties to even)"},
        {Scheme::BF16, "bf16",
         "bfloat16 (the float32 exponent, 7 mantissa bits): each value rounded to the nearest "
         "(ties to even)"},
        {Scheme::NF4, "nf4",
         "bitsandbytes normal-float 4 code book, float32 absmax per block of G of the flattened "
         "tensor; 4 + 32/G bits/element"},
        {Scheme::FP4, "fp4",
         "bitsandbytes FP4 code book (not OCP E2M1), float32 absmax per block of G of the "
         "flattened tensor; 4 + 32/G bits/element"},
        {Scheme::Codebook, "codebook",
         "your values: with granularity group, values in [-1, 1] times each block's absmax "
         "(blocks of G of the flattened tensor); otherwise the values themselves"},
        {Scheme::LloydMax, "lloyd-max",
         "the MSE-optimal code book of 2^b values (1..8 bits) fitted to this tensor"},
        {Scheme::Q8_0, "q8_0",
         "GGML (llama.cpp) Q8_0: blocks of 32 along the last axis, d = amax/127 stored as fp16; "
         "8.5 bits/element"},
        {Scheme::Q4_0, "q4_0",
         "GGML Q4_0: blocks of 32 along the last axis, d = max/-8 (the signed largest magnitude) "
         "as fp16; 4.5 bits/element"},
        {Scheme::Q4_1, "q4_1",
         "GGML Q4_1: blocks of 32 along the last axis, d = (max-min)/15 and m = min as fp16; 5.0 "
         "bits/element"},
        {Scheme::AbsmaxInt8, "absmax-int8",
         "linear int8 [-127, 127], float32 absmax per block of G of the flattened tensor (not a "
         "bitsandbytes code); 8 + 32/G bits/element"},
        {Scheme::Dynamic8, "dynamic8",
         "bitsandbytes' dynamic 8-bit map (dense near 0, create_dynamic_map()), float32 absmax "
         "per block of G of the flattened tensor; 8 + 32/G bits/element"},
    };
    std::vector<Choice<Scheme>> all;
    for (const Choice<Scheme>& c : table) {
        all.push_back(c);
        if (c.value == Scheme::BF16)
            for (const Choice<Scheme>& f : floatChoices())
                all.push_back(f);
        if (c.value == Scheme::Q4_1)
            for (const Choice<Scheme>& g : searchedGgmlChoices())
                all.push_back(g);
    }
    return all;
}

} // namespace

template <> const std::vector<Choice<Scheme>>& choices()
{
    static const std::vector<Choice<Scheme>> table = schemeTable();
    return table;
}

template <> const std::vector<Choice<RangeMethod>>& choices()
{
    static const std::vector<Choice<RangeMethod>> table = {
        {RangeMethod::MinMax, "minmax", "alpha = min x, beta = max x"},
        {RangeMethod::Percentile, "percentile",
         "numpy.percentile (linear) at 100-p and p; of |x| at p when symmetric"},
        {RangeMethod::MSE, "mse",
         "the clipping range of least quantization MSE of this slice at these bits (QuantScope's "
         "search)"},
        {RangeMethod::Entropy, "entropy",
         "TensorRT: amax = edge e_i (i >= 128) of the 2048-bin histogram of |x| over [0, max|x|] "
         "minimising KL(P || Q), Q = bins[:i] merged into 2^(b-1) groups; the last minimum wins"},
        {RangeMethod::TrtPercentile, "trt-percentile",
         "TensorRT: amax = e[searchsorted(cumsum(h/n), p/100)] on the same 2048-bin histogram "
         "of |x|"},
        {RangeMethod::TrtMse, "trt-mse",
         "TensorRT: amax = bin centre c_i (i >= 128) minimising sum_k h_k (fq(c_k) - c_k)^2, fq "
         "= its narrow-range fake quantization with s = 127/c_i; the first minimum wins"},
        {RangeMethod::OrtPercentile, "ort-percentile",
         "ONNX Runtime (symmetric calibration): t = e[searchsorted(cumsum(h/n), p/100)], h = "
         "2048 bins of |x| over [min|x|, max|x|]; [-t, t] clipped to [min x, max x]"},
        {RangeMethod::OrtEntropy, "ort-entropy",
         "ONNX Runtime defaults (128 bins, 128 quantized bins): a single KL window, the whole "
         "histogram, so [min x, max x]"},
        {RangeMethod::Hqq, "hqq",
         "HQQ (half-quadratic, asymmetric): min-max scale, real zero point from up to 20 "
         "proximal steps (p = 0.7, beta = 10, x1.01) until the mean |x - x^| stops falling; a "
         "slice keeps min-max's parameters if they have less squared error"},
        {RangeMethod::GridSearch, "grid-search",
         "llama.cpp's make_qkx2_quants (asymmetric, 1..8 bits): weights rms(x) + |x|, 21 "
         "trial scales (rmin -1, step 0.1), least-squares scale and min; a slice keeps "
         "min-max's parameters if they have less squared error"},
    };
    return table;
}

template <> const std::vector<Choice<Rounding>>& choices()
{
    static const std::vector<Choice<Rounding>> table = {
        {Rounding::HalfEven, "half-even", "ties to even (numpy.round, torch.round, ONNX)"},
        {Rounding::HalfAway, "half-away", "ties away from zero (std::round, C roundf)"},
        {Rounding::HalfUp, "half-up", "ties toward +inf: floor(v + 0.5)"},
        {Rounding::Floor, "floor", "toward -inf"},
        {Rounding::Truncate, "truncate", "toward zero (numpy .astype(uint8), tf.cast)"},
        {Rounding::Stochastic, "stochastic",
         "floor(v) + (u < frac(v)), u uniform from a counter-based generator with the rounding "
         "seed"},
    };
    return table;
}

template <> const std::vector<Choice<RoundingOrder>>& choices()
{
    static const std::vector<Choice<RoundingOrder>> table = {
        {RoundingOrder::AfterZeroPoint, "after-zero-point", ""},
        {RoundingOrder::BeforeZeroPoint, "before-zero-point", ""}};
    return table;
}

template <> const std::vector<Choice<Granularity>>& choices()
{
    static const std::vector<Choice<Granularity>> table = {{Granularity::PerTensor, "tensor", ""},
                                                           {Granularity::PerChannel, "channel", ""},
                                                           {Granularity::PerGroup, "group", ""}};
    return table;
}

template <> const std::vector<Choice<SymmetricScale>>& choices()
{
    static const std::vector<Choice<SymmetricScale>> table = {
        {SymmetricScale::MaxCode, "max-code", ""}, {SymmetricScale::HalfSpan, "half-span", ""}};
    return table;
}

template <> const std::vector<Choice<ConstantRange>>& choices()
{
    static const std::vector<Choice<ConstantRange>> table = {
        {ConstantRange::Exact, "exact", ""},
        {ConstantRange::PyTorchEps, "pytorch-eps", ""},
        {ConstantRange::OnnxOne, "onnx-one", ""},
        {ConstantRange::FbgemmPointOne, "fbgemm-0.1", ""}};
    return table;
}

template <> const std::vector<Choice<MxScaleRounding>>& choices()
{
    static const std::vector<Choice<MxScaleRounding>> table = {
        {MxScaleRounding::Floor, "floor",
         "OCP MX v1.0: X = 2^(floor(log2 amax) - emax); the largest values of a block may clip"},
        {MxScaleRounding::Ceil, "ceil", "X = 2^(ceil(log2 amax) - emax)"},
        {MxScaleRounding::Even, "even",
         "X = 2^(round(log2 amax) - emax), log2 amax rounded to the nearest integer"},
        {MxScaleRounding::NoClip, "no-clip",
         "the smallest power of two X with amax / X <= the element's largest value: nothing "
         "clips"},
    };
    return table;
}

template <class E> std::vector<std::string> choiceNames()
{
    std::vector<std::string> out;
    for (const Choice<E>& c : choices<E>())
        out.emplace_back(c.name);
    return out;
}

template <class E> E choiceFromName(const std::string& name)
{
    for (const Choice<E>& c : choices<E>())
        if (sameNameIgnoringCase(name, c.name))
            return c.value;
    const std::vector<std::string> names = choiceNames<E>();
    throw Error("unknown " + std::string(kKind<E>) + " '" + name + "'" + didYouMean(name, names) +
                " (valid: " + joinedNames(names) + ")");
}

template <class E> std::string describe(E value)
{
    const Choice<E>* c = find(value);
    return c ? c->description : "";
}

// The enums of choices.h.
template std::vector<std::string> choiceNames<Scheme>();
template std::vector<std::string> choiceNames<RangeMethod>();
template std::vector<std::string> choiceNames<Rounding>();
template std::vector<std::string> choiceNames<RoundingOrder>();
template std::vector<std::string> choiceNames<Granularity>();
template std::vector<std::string> choiceNames<SymmetricScale>();
template std::vector<std::string> choiceNames<ConstantRange>();
template std::vector<std::string> choiceNames<MxScaleRounding>();
template Scheme choiceFromName<Scheme>(const std::string&);
template RangeMethod choiceFromName<RangeMethod>(const std::string&);
template Rounding choiceFromName<Rounding>(const std::string&);
template RoundingOrder choiceFromName<RoundingOrder>(const std::string&);
template Granularity choiceFromName<Granularity>(const std::string&);
template SymmetricScale choiceFromName<SymmetricScale>(const std::string&);
template ConstantRange choiceFromName<ConstantRange>(const std::string&);
template MxScaleRounding choiceFromName<MxScaleRounding>(const std::string&);
template std::string describe<Scheme>(Scheme);
template std::string describe<RangeMethod>(RangeMethod);
template std::string describe<Rounding>(Rounding);
template std::string describe<RoundingOrder>(RoundingOrder);
template std::string describe<Granularity>(Granularity);
template std::string describe<SymmetricScale>(SymmetricScale);
template std::string describe<ConstantRange>(ConstantRange);
template std::string describe<MxScaleRounding>(MxScaleRounding);

namespace {
template <class E> std::string nameOf(E value)
{
    const Choice<E>* c = find(value);
    return c ? c->name : "?";
}
} // namespace

std::string toName(Scheme v)
{
    return nameOf(v);
}
std::string toName(RangeMethod v)
{
    return nameOf(v);
}
std::string toName(Rounding v)
{
    return nameOf(v);
}
std::string toName(RoundingOrder v)
{
    return nameOf(v);
}
std::string toName(Granularity v)
{
    return nameOf(v);
}
std::string toName(SymmetricScale v)
{
    return nameOf(v);
}
std::string toName(ConstantRange v)
{
    return nameOf(v);
}
std::string toName(MxScaleRounding v)
{
    return nameOf(v);
}
Scheme schemeFromName(const std::string& s)
{
    return choiceFromName<Scheme>(s);
}
RangeMethod rangeMethodFromName(const std::string& s)
{
    return choiceFromName<RangeMethod>(s);
}
Rounding roundingFromName(const std::string& s)
{
    return choiceFromName<Rounding>(s);
}
RoundingOrder roundingOrderFromName(const std::string& s)
{
    return choiceFromName<RoundingOrder>(s);
}
Granularity granularityFromName(const std::string& s)
{
    return choiceFromName<Granularity>(s);
}
SymmetricScale symmetricScaleFromName(const std::string& s)
{
    return choiceFromName<SymmetricScale>(s);
}
ConstantRange constantRangeFromName(const std::string& s)
{
    return choiceFromName<ConstantRange>(s);
}
MxScaleRounding mxScaleRoundingFromName(const std::string& s)
{
    return choiceFromName<MxScaleRounding>(s);
}
std::vector<std::string> schemeNames()
{
    return choiceNames<Scheme>();
}
std::vector<std::string> rangeMethodNames()
{
    return choiceNames<RangeMethod>();
}
std::vector<std::string> roundingNames()
{
    return choiceNames<Rounding>();
}
std::vector<std::string> granularityNames()
{
    return choiceNames<Granularity>();
}

} // namespace qs
