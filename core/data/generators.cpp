// Seeded tensor generators that give the same bits on every machine and for any thread count.
//
// Randomness is counter-based: the 64-bit word number c of stream k under seed S is the
// SplitMix64 output at position c of the sequence keyed by (S, k) (Steele, Lea, Flood 2014,
// "Fast splittable pseudorandom number generators"). Element i only ever reads words derived
// from i, so elements can be generated in any order on any number of threads.
//
// Transforms use only IEEE-exact operations (+ - * /, sqrt, rint) and a logarithm written here
// from its series, so no result depends on the platform's libm:
//   uniform  low + (high - low) * u, u = k * 2^-53 in [0, 1)
//   normal   Marsaglia's polar method: v1, v2 uniform in (-1, 1), s = v1^2 + v2^2 in (0, 1),
//            z = v1 * sqrt(-2 ln s / s); rejected pairs draw again from the next stream
//   laplace  inverse CDF: mean - b sgn(u) ln(1 - 2|u|), u uniform in (-1/2, 1/2), b = std/sqrt 2
//   he       Keras VarianceScaling(scale, mode, "truncated_normal"): stddev =
//            sqrt(scale / max(1, fan)) / 0.87962566103423978, normals beyond 2 stddev redrawn
//   bimodal  a fair coin picks the mode mean -+ separation/2, then a normal with `std`
// decimals: numpy.round on the float64 value (rint(v * 10^d) / 10^d, ties to even), then float32.
// Outliers are written last, over the generated values.
#include "core/data/generators.h"

#include "core/base/name_table.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

// Keep a * b + c as two roundings (no fused multiply-add), so the series below gives the same
// bits everywhere. GCC contracts only in GNU mode (the project builds ISO C++17); clang needs
// the pragma.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

namespace qs {
namespace {

constexpr int64_t kMaxElements = 1000000000;
constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Streams: distinct keys for the independent uses of randomness.
enum Stream : uint64_t {
    kUniformStream = 1,
    kCoinStream = 2,
    kOutlierStream = 3,
    kNormalStream = 16, // + attempt number
};

struct Rng {
    uint64_t seed;
    uint64_t word(uint64_t stream, uint64_t counter) const
    {
        const uint64_t key = mix64(seed ^ mix64(stream * kGolden + 0x632BE59BD9B4E019ull));
        return mix64(key + (counter + 1) * kGolden);
    }
    // [0, 1) with 53 random bits.
    double uniform(uint64_t stream, uint64_t counter) const
    {
        return double(word(stream, counter) >> 11) * 0x1.0p-53;
    }
    // (0, 1), never 0 or 1.
    double open01(uint64_t stream, uint64_t counter) const
    {
        return (double(word(stream, counter) >> 11) + 0.5) * 0x1.0p-53;
    }
    // Standard normal for element i, Marsaglia's polar method; `attempt` counts the streams used.
    double normal(uint64_t i, uint64_t& attempt) const
    {
        while (true) {
            const uint64_t stream = kNormalStream + attempt++;
            const double v1 = 2.0 * open01(stream, 2 * i) - 1.0;
            const double v2 = 2.0 * open01(stream, 2 * i + 1) - 1.0;
            const double s = v1 * v1 + v2 * v2;
            if (s > 0.0 && s < 1.0)
                return v1 * std::sqrt(-2.0 * portableLog(s) / s);
        }
    }
    static double portableLog(double x);
};

// Natural logarithm of x > 0 from frexp (exact) and the atanh series
// ln m = 2 (t + t^3/3 + t^5/5 + ...), t = (m - 1) / (m + 1), m in [sqrt(1/2), sqrt(2)):
// |t| <= 0.1716, so 13 terms reach double precision. ln 2 is split in a high part with few
// bits (exact products with the exponent) and a low correction.
double Rng::portableLog(double x)
{
    int e = 0;
    double m = std::frexp(x, &e); // x = m * 2^e, m in [0.5, 1)
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        --e;
    }
    const double t = (m - 1.0) / (m + 1.0);
    const double t2 = t * t;
    double p = 1.0 / 27.0;
    for (int k = 12; k >= 0; --k)
        p = p * t2 + 1.0 / double(2 * k + 1);
    const double lnm = 2.0 * t * p;
    constexpr double ln2Hi = 0.693147180369123816490;    // 0x1.62e42fee00000p-1
    constexpr double ln2Lo = 1.90821492927058770002e-10; // ln 2 - ln2Hi
    return double(e) * ln2Hi + (double(e) * ln2Lo + lnm);
}

double roundDecimals(double v, double factor)
{
    return std::nearbyint(v * factor) / factor; // default rounding mode: ties to even
}

void validateOptions(const GeneratorOptions& o, int64_t& numel)
{
    numel = shapeProduct(o.shape);
    if (numel == 0)
        throw Error("generator: the shape " + Tensor("", o.shape, {}).shapeString() +
                    " has no elements");
    if (numel > kMaxElements)
        throw Error("generator: " + std::to_string(numel) +
                    " elements requested; at most 1000000000 (1e9) are supported");
    auto finite = [](double v) { return std::isfinite(v); };
    switch (o.distribution) {
    case Distribution::Uniform:
        if (!finite(o.low) || !finite(o.high))
            throw Error("generator: uniform bounds must be finite");
        if (!(o.low < o.high))
            throw Error("generator: uniform needs low < high (got low " + std::to_string(o.low) +
                        ", high " + std::to_string(o.high) + ")");
        if (!finite(o.high - o.low))
            throw Error("generator: the uniform range is too wide");
        break;
    case Distribution::Normal:
    case Distribution::Laplace:
    case Distribution::Bimodal:
        if (!finite(o.mean))
            throw Error("generator: the mean must be finite");
        if (!(finite(o.std) && o.std > 0))
            throw Error("generator: std must be positive and finite (got " + std::to_string(o.std) +
                        ")");
        if (o.distribution == Distribution::Bimodal && !(finite(o.separation) && o.separation >= 0))
            throw Error("generator: the bimodal separation must be finite and >= 0 (got " +
                        std::to_string(o.separation) + ")");
        break;
    case Distribution::He:
        if (!(finite(o.heScale) && o.heScale > 0))
            throw Error("generator: the He / variance-scaling scale must be positive (got " +
                        std::to_string(o.heScale) + ")");
        break;
    }
    if (o.decimals < -1 || o.decimals > 15)
        throw Error("generator: decimals must be between 0 and 15, or -1 for no rounding (got " +
                    std::to_string(o.decimals) + ")");
    if (o.outliers < 0 || o.outliers > numel)
        throw Error("generator: " + std::to_string(o.outliers) +
                    " outliers requested but the "
                    "tensor has " +
                    std::to_string(numel) + " elements");
    if (o.outliers > 0) {
        if (std::isfinite(o.outlierValue) &&
            std::fabs(o.outlierValue) > double(std::numeric_limits<float>::max()))
            throw Error("generator: the outlier value " + std::to_string(o.outlierValue) +
                        " does not fit in float32");
        if (o.outlierPosition != "end" && o.outlierPosition != "start" &&
            o.outlierPosition != "random")
            throw Error("generator: unknown outlier position '" + o.outlierPosition +
                        "'; valid: end, start, random");
    }
}

// K distinct positions in [0, n), seeded: Floyd's sampling for few, selection sampling
// (Knuth's Algorithm S) when K is a large share of n.
std::vector<int64_t> randomPositions(const Rng& rng, int64_t n, int64_t k)
{
    std::vector<int64_t> out;
    out.reserve(size_t(k));
    if (k * 16 < n) {
        std::unordered_set<int64_t> chosen;
        uint64_t c = 0;
        for (int64_t j = n - k; j < n; ++j) {
            int64_t t = int64_t(rng.uniform(kOutlierStream, c++) * double(j + 1));
            t = std::min(t, j);
            if (!chosen.insert(t).second) {
                chosen.insert(j);
                out.push_back(j);
            } else {
                out.push_back(t);
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    int64_t need = k;
    for (int64_t i = 0; i < n && need > 0; ++i)
        if (rng.uniform(kOutlierStream, uint64_t(i)) * double(n - i) < double(need)) {
            out.push_back(i);
            --need;
        }
    return out;
}

} // namespace

void kerasFans(const std::vector<int64_t>& shape, double& fanIn, double& fanOut)
{
    if (shape.empty()) {
        fanIn = fanOut = 1;
    } else if (shape.size() == 1) {
        fanIn = fanOut = double(shape[0]);
    } else if (shape.size() == 2) {
        fanIn = double(shape[0]);
        fanOut = double(shape[1]);
    } else {
        double receptive = 1;
        for (size_t i = 0; i + 2 < shape.size(); ++i)
            receptive *= double(shape[i]);
        fanIn = double(shape[shape.size() - 2]) * receptive;
        fanOut = double(shape[shape.size() - 1]) * receptive;
    }
}

namespace {

// Standard deviation of the He (Keras he_normal) initialiser: variance scale / fan, truncated
// at two standard deviations (the truncated normal's standard deviation 0.8796... divided out).
double heStdOf(const GeneratorOptions& o)
{
    double fanIn, fanOut;
    kerasFans(o.shape, fanIn, fanOut);
    double fan = fanIn;
    if (o.fanMode == FanMode::FanOut)
        fan = fanOut;
    else if (o.fanMode == FanMode::FanAvg)
        fan = (fanIn + fanOut) / 2.0;
    return std::sqrt(o.heScale / std::max(1.0, fan)) / 0.87962566103423978;
}

// Element i of the distribution, before rounding to decimals: a function of (seed, i) only.
struct Sampler {
    const GeneratorOptions& o;
    Rng rng;
    double heStd = 0;                  // He
    double b = o.std / std::sqrt(2.0); // Laplace scale

    double operator()(uint64_t u) const
    {
        uint64_t attempt = 0;
        switch (o.distribution) {
        case Distribution::Uniform:
            return o.low + (o.high - o.low) * rng.uniform(kUniformStream, u);
        case Distribution::Normal:
            return o.mean + o.std * rng.normal(u, attempt);
        case Distribution::Laplace: {
            const double h = rng.open01(kUniformStream, u) - 0.5; // (-1/2, 1/2), never 0
            const double mag = -b * Rng::portableLog(1.0 - 2.0 * std::fabs(h));
            return h < 0 ? o.mean - mag : o.mean + mag;
        }
        case Distribution::He: {
            double z;
            do
                z = rng.normal(u, attempt);
            while (std::fabs(z) > 2.0);
            return heStd * z;
        }
        case Distribution::Bimodal: {
            const bool upper = (rng.word(kCoinStream, u) >> 63) != 0;
            const double centre = o.mean + (upper ? 0.5 : -0.5) * o.separation;
            return centre + o.std * rng.normal(u, attempt);
        }
        }
        return 0;
    }
};

// Overwrites o.outliers elements with o.outlierValue at the requested position.
void placeOutliers(const GeneratorOptions& o, const Rng& rng, std::vector<float>& data)
{
    if (o.outliers <= 0)
        return;
    const float value = float(o.outlierValue);
    if (o.outlierPosition == "end") {
        std::fill(data.end() - o.outliers, data.end(), value);
    } else if (o.outlierPosition == "start") {
        std::fill(data.begin(), data.begin() + o.outliers, value);
    } else {
        for (int64_t p : randomPositions(rng, int64_t(data.size()), o.outliers))
            data[size_t(p)] = value;
    }
}

} // namespace

void checkGeneratorOptions(const GeneratorOptions& options)
{
    int64_t n = 0;
    validateOptions(options, n);
}

Tensor generate(const GeneratorOptions& o)
{
    int64_t n = 0;
    validateOptions(o, n);
    const Rng rng{o.seed};
    std::vector<float> data(static_cast<size_t>(n));
    float* out = data.data();
    const Sampler sample{o, rng, o.distribution == Distribution::He ? heStdOf(o) : 0.0};
    const bool round = o.decimals >= 0;
    double factor = 1;
    for (int d = 0; d < o.decimals; ++d)
        factor *= 10.0; // exact up to 10^22
    const bool uniform = o.distribution == Distribution::Uniform;

#pragma omp parallel for schedule(static) if (n >= 65536)
    for (int64_t i = 0; i < n; ++i) {
        double v = sample(uint64_t(i));
        if (round)
            v = roundDecimals(v, factor);
        float f = float(v);
        // Keep [low, high) where float32 rounding would reach high (np.round may reach it,
        // as numpy's does).
        if (!round && uniform && double(f) >= o.high && f > float(o.low))
            f = std::nextafter(f, -std::numeric_limits<float>::infinity());
        out[i] = f;
    }
    placeOutliers(o, rng, data);
    return Tensor(o.name.empty() ? toName(o.distribution) : o.name, o.shape, std::move(data));
}

namespace {

const Named<Distribution> kDistributionNames[] = {{Distribution::Uniform, "uniform"},
                                                  {Distribution::Normal, "normal"},
                                                  {Distribution::Laplace, "laplace"},
                                                  {Distribution::He, "he"},
                                                  {Distribution::Bimodal, "bimodal"}};

} // namespace

std::string toName(Distribution d)
{
    return nameIn(kDistributionNames, d, "unknown");
}

std::vector<std::string> distributionNames()
{
    return namesIn(kDistributionNames);
}

Distribution distributionFromName(const std::string& s)
{
    std::string lower = s;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return char(std::tolower(ch)); });
    if (const Distribution* d = valueIn(kDistributionNames, lower))
        return *d;
    throw Error("unknown distribution '" + s + "'; valid: " + joinedNames(kDistributionNames));
}

} // namespace qs
