// Tests of the pairing of a model with a quantized copy: the Hugging Face to GGUF name map, the
// rotary row permutation (worked by hand from the converter's reshape(heads, 2, h, cols)
// .swapaxes(1, 2)), and a tiny Llama written as safetensors and as a GGUF with its q and k rows
// permuted: the quantized tensors brought back into the original's layout equal the original
// (F32: bit for bit) or its own Q8_0 quantization (bit for bit, and within Q8_0's error bound);
// GPT-2's transposed Conv1D weights; shapes that differ and a missing head count.
#include "core/base/error.h"
#include "core/config/quant_config.h"
#include "core/io/gguf_writer.h"
#include "core/io/tensor_file.h"
#include "core/model/model_pairing.h"
#include "core/model/model_report.h"
#include "core/quant/gguf_export.h"
#include "core/quant/quantize.h"
#include "core/stats/metrics.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_llama.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace qs;
using namespace qs::test;

namespace {

Tensor counting(std::vector<int64_t> shape)
{
    std::vector<float> v(size_t(shapeProduct(shape)));
    std::iota(v.begin(), v.end(), 0.0f);
    return Tensor("w", shape, v);
}

const TensorPair& pairOf(const std::vector<TensorPair>& pairs, const std::string& original)
{
    const auto it = std::find_if(pairs.begin(), pairs.end(),
                                 [&](const TensorPair& p) { return p.original == original; });
    if (it == pairs.end())
        throw Error("no pair for " + original);
    return *it;
}

QuantResult q8(const Tensor& t)
{
    QuantConfig c;
    c.scheme = Scheme::Q8_0;
    return quantize(t, c);
}

} // namespace

class TestModelPairing : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void nameMap_data();
    void nameMap();
    void permutationByHand();
    void permutationRoundTrip();
    void pairsAFloatGguf();
    void pairsAQ8Gguf();
    void pairsGpt2Transposed();
    void headCountsPerLayer();
    void reportsProblems();
    void againstPassMeasuresTheCopy();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::string file(const char* name) const { return m_dir->filePath(name).toStdString(); }
};

void TestModelPairing::initTestCase()
{
    m_dir = scratchDir("pairing");
    QVERIFY(m_dir->isValid());
}

void TestModelPairing::nameMap_data()
{
    QTest::addColumn<QString>("hf");
    QTest::addColumn<QString>("gguf");
    const char* rows[][2] = {
        {"model.embed_tokens.weight", "token_embd.weight"},
        {"lm_head.weight", "output.weight"},
        {"model.norm.weight", "output_norm.weight"},
        {"model.layers.0.self_attn.q_proj.weight", "blk.0.attn_q.weight"},
        {"model.layers.11.self_attn.k_proj.weight", "blk.11.attn_k.weight"},
        {"model.layers.2.self_attn.v_proj.weight", "blk.2.attn_v.weight"},
        {"model.layers.3.self_attn.o_proj.weight", "blk.3.attn_output.weight"},
        {"model.layers.4.self_attn.q_proj.bias", "blk.4.attn_q.bias"},
        {"model.layers.5.mlp.gate_proj.weight", "blk.5.ffn_gate.weight"},
        {"model.layers.6.mlp.up_proj.weight", "blk.6.ffn_up.weight"},
        {"model.layers.7.mlp.down_proj.weight", "blk.7.ffn_down.weight"},
        {"model.layers.8.input_layernorm.weight", "blk.8.attn_norm.weight"},
        {"model.layers.9.post_attention_layernorm.weight", "blk.9.ffn_norm.weight"},
        {"model.layers.1.self_attn.q_norm.weight", "blk.1.attn_q_norm.weight"},
        {"layers.1.mlp.up_proj.weight", "blk.1.ffn_up.weight"},
        {"transformer.wte.weight", "token_embd.weight"},
        {"transformer.wpe.weight", "position_embd.weight"},
        {"transformer.h.3.attn.c_attn.weight", "blk.3.attn_qkv.weight"},
        {"transformer.h.3.attn.c_proj.bias", "blk.3.attn_output.bias"},
        {"transformer.h.0.mlp.c_fc.weight", "blk.0.ffn_up.weight"},
        {"transformer.h.0.mlp.c_proj.weight", "blk.0.ffn_down.weight"},
        {"transformer.h.0.ln_1.weight", "blk.0.attn_norm.weight"},
        {"transformer.h.0.ln_2.bias", "blk.0.ffn_norm.bias"},
        {"transformer.ln_f.weight", "output_norm.weight"},
        {"model.layers.0.self_attn.rotary_emb.inv_freq", ""},
        {"model.layers.x.mlp.up_proj.weight", ""},
        {"model.layers.0.mlp.unknown.weight", ""},
        {"blk.0.attn_q.weight", ""},
        {"weight", ""},
    };
    for (const auto& row : rows)
        QTest::newRow(row[0]) << QString(row[0]) << QString(row[1]);
}

void TestModelPairing::nameMap()
{
    QFETCH(QString, hf);
    QFETCH(QString, gguf);
    QCOMPARE(QString::fromStdString(ggufNameOf(hf.toStdString())), gguf);
}

// 12 rows, 2 heads of 6 (h = 3): head 0's halves (0 1 2 | 3 4 5) interleave to 0 3 1 4 2 5, as
// numpy's reshape(2, 2, 3, cols).swapaxes(1, 2).reshape(12, cols) orders them.
void TestModelPairing::permutationByHand()
{
    const Tensor p = permuteRotaryRows(counting({12, 2}), 2);
    const int rows[] = {0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11};
    QCOMPARE(p.shape, (std::vector<int64_t>{12, 2}));
    for (int r = 0; r < 12; ++r) {
        QCOMPARE(p.data[size_t(2 * r)], float(2 * rows[r]));
        QCOMPARE(p.data[size_t(2 * r + 1)], float(2 * rows[r] + 1));
    }
    const Tensor bias = permuteRotaryRows(counting({8}), 1); // 1 head of 8: 0 4 1 5 2 6 3 7
    QCOMPARE(bias.data, (std::vector<float>{0, 4, 1, 5, 2, 6, 3, 7}));
    QCOMPARE(unpermuteRotaryRows(bias, 1).data, counting({8}).data);
    QVERIFY_THROWS_EXCEPTION(Error, permuteRotaryRows(counting({12, 2}), 4)); // heads of 3 rows
    QVERIFY_THROWS_EXCEPTION(Error, unpermuteRotaryRows(counting({12, 2}), 5));
    QVERIFY_THROWS_EXCEPTION(Error, unpermuteRotaryRows(counting({12, 2}), 0));
}

void TestModelPairing::permutationRoundTrip()
{
    for (int64_t heads : {1, 2, 4, 8}) {
        const Tensor t = randomTensor({64, 5}, uint32_t(heads));
        const Tensor p = permuteRotaryRows(t, heads);
        QVERIFY(p.data != t.data);
        QCOMPARE(unpermuteRotaryRows(p, heads).data, t.data);
        QCOMPARE(permuteRotaryRows(unpermuteRotaryRows(t, heads), heads).data, t.data);
    }
}

// 21 tensors paired by name: q with 4 heads, k with 2, the rest unpermuted; every quantized
// tensor in the original's layout equals the original bit for bit (and q without the
// unpermutation does not).
void TestModelPairing::pairsAFloatGguf()
{
    const std::vector<Tensor> model = tinyLlama();
    writeTinySafetensors(file("llama.safetensors"), model);
    writeLlamaGguf(file("llama-f32.gguf"), model);
    const auto pairs = pairModelTensors(file("llama.safetensors"), file("llama-f32.gguf"));
    QCOMPARE(pairs.size(), model.size());
    for (size_t i = 0; i < model.size(); ++i) {
        const TensorPair& p = pairs[i];
        QCOMPARE(p.original, model[i].name);
        QCOMPARE(p.quantized, ggufNameOf(model[i].name));
        QVERIFY2(p.problem.empty(), p.problem.c_str());
        QVERIFY(!p.transposed);
        QCOMPARE(p.shape, model[i].shape);
        const bool q = p.original.find("q_proj") != std::string::npos;
        const bool k = p.original.find("k_proj") != std::string::npos;
        QCOMPARE(p.rotaryHeads, q ? kTinyHeads : k ? kTinyHeadsKv : 0);
        const Tensor stored = loadTensor(file("llama-f32.gguf"), p.quantized);
        QCOMPARE(toOriginalLayout(stored, p).data, model[i].data);
        if (q || k)
            QVERIFY(stored.data != model[i].data);
    }
}

// Q8_0 blocks run along rows and the permutation moves whole rows, so the stored q and k
// brought back equal the Q8_0 quantization of the original bit for bit; each element is within
// Q8_0's bound: half a step d = amax/127 plus the fp16 rounding of d (127 d 2^-11).
void TestModelPairing::pairsAQ8Gguf()
{
    const std::vector<Tensor> model = tinyLlama(11);
    writeTinySafetensors(file("llama11.safetensors"), model);
    writeLlamaGguf(file("llama-q8.gguf"), model, [](GgufWriter& w, const Tensor& t) {
        if (t.rank() == 2)
            addQuantizedTensor(w, t.name, t, q8(t));
        else
            w.addFloatTensor(t.name, t.shape, *ggmlTypeByName("F32"), t.data.data());
    });
    const auto pairs = pairModelTensors(file("llama11.safetensors"), file("llama-q8.gguf"));
    QCOMPARE(pairs.size(), model.size());
    for (const Tensor& original : model) {
        const TensorPair& p = pairOf(pairs, original.name);
        const Tensor back = toOriginalLayout(loadTensor(file("llama-q8.gguf"), p.quantized), p);
        if (original.rank() != 2) {
            QCOMPARE(back.data, original.data);
            continue;
        }
        QCOMPARE(back.data, q8(original).dequantized);
        for (size_t b = 0; b < original.data.size(); b += 32) {
            float amax = 0;
            for (size_t j = b; j < b + 32; ++j)
                amax = std::max(amax, std::fabs(original.data[j]));
            const double d = amax / 127.0, bound = d / 2 + 127 * d * std::ldexp(1.0, -11);
            for (size_t j = b; j < b + 32; ++j)
                QVERIFY(std::fabs(double(back.data[j]) - original.data[j]) <= bound);
        }
    }
    QCOMPARE(pairOf(pairs, "model.layers.1.self_attn.k_proj.weight").rotaryHeads, kTinyHeadsKv);
}

// GPT-2's Conv1D weights are [in, out]; the converter stores them transposed, square ones too.
void TestModelPairing::pairsGpt2Transposed()
{
    const Tensor qkv = randomTensor({4, 12}, 1), proj = randomTensor({4, 4}, 2);
    Tensor named[2] = {qkv, proj};
    named[0].name = "transformer.h.0.attn.c_attn.weight";
    named[1].name = "transformer.h.0.attn.c_proj.weight";
    writeTinySafetensors(file("gpt2.safetensors"), {named[0], named[1]});
    GgufWriter w;
    w.setString("general.architecture", "gpt2");
    for (const Tensor& t : named) {
        const int64_t rows = t.shape[0], cols = t.shape[1];
        std::vector<float> tr(t.data.size());
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < cols; ++c)
                tr[size_t(c * rows + r)] = t.data[size_t(r * cols + c)];
        w.addFloatTensor(ggufNameOf(t.name), {cols, rows}, *ggmlTypeByName("F32"), tr.data());
    }
    w.write(file("gpt2.gguf"));
    const auto pairs = pairModelTensors(file("gpt2.safetensors"), file("gpt2.gguf"));
    QCOMPARE(int(pairs.size()), 2);
    for (size_t i = 0; i < 2; ++i) {
        QVERIFY(pairs[i].transposed);
        QCOMPARE(pairs[i].rotaryHeads, int64_t(0));
        const Tensor back =
            toOriginalLayout(loadTensor(file("gpt2.gguf"), pairs[i].quantized), pairs[i]);
        QCOMPARE(back.shape, named[i].shape);
        QCOMPARE(back.data, named[i].data);
    }
}

// Head counts stored per layer (an array): layer 0's k rows were permuted with 2 heads, layer
// 1's with 1; each pair takes its layer's count.
void TestModelPairing::headCountsPerLayer()
{
    const std::vector<Tensor> model = tinyLlama(5);
    writeTinySafetensors(file("layers.safetensors"), model);
    GgufValue counts;
    counts.type = GgufValueType::Array;
    counts.elementType = GgufValueType::U32;
    counts.count = 2;
    const uint32_t kv[2] = {2, 1};
    counts.raw.assign(reinterpret_cast<const char*>(kv), sizeof kv);
    GgufWriter w;
    w.setString("general.architecture", "llama");
    w.set("llama.attention.head_count_kv", counts);
    std::vector<int64_t> heads;
    for (const Tensor& t : model) {
        if (t.name.find("k_proj") == std::string::npos)
            continue;
        heads.push_back(t.name.find("layers.0.") != std::string::npos ? 2 : 1);
        const Tensor p = permuteRotaryRows(t, heads.back());
        w.addFloatTensor(ggufNameOf(t.name), p.shape, *ggmlTypeByName("F32"), p.data.data());
    }
    w.write(file("layers.gguf"));
    const auto pairs = pairModelTensors(file("layers.safetensors"), file("layers.gguf"));
    QCOMPARE(int(pairs.size()), 2);
    for (size_t i = 0; i < 2; ++i) {
        QCOMPARE(pairs[i].rotaryHeads, heads[i]);
        const Tensor back =
            toOriginalLayout(loadTensor(file("layers.gguf"), pairs[i].quantized), pairs[i]);
        const auto original = std::find_if(model.begin(), model.end(), [&](const Tensor& t) {
            return t.name == pairs[i].original;
        });
        QCOMPARE(back.data, original->data);
        QVERIFY(back.data != loadTensor(file("layers.gguf"), pairs[i].quantized).data);
    }
}

// A k projection of the wrong shape and a file without head counts: the pairs say why, and
// toOriginalLayout refuses them; tensors without a partner are left out.
void TestModelPairing::reportsProblems()
{
    std::vector<Tensor> model = tinyLlama();
    writeTinySafetensors(file("orig.safetensors"), model);
    GgufWriter w;
    w.setString("general.architecture", "llama");
    const Tensor q = permuteRotaryRows(model[1], kTinyHeads);
    w.addFloatTensor("blk.0.attn_q.weight", q.shape, *ggmlTypeByName("F32"), q.data.data());
    w.addFloatTensor("blk.0.attn_k.weight", {32, 16}, *ggmlTypeByName("F32"), model[2].data.data());
    w.addFloatTensor("blk.0.attn_v.weight", {8, 64}, *ggmlTypeByName("F32"), model[3].data.data());
    w.write(file("odd.gguf"));
    const auto pairs = pairModelTensors(file("orig.safetensors"), file("odd.gguf"));
    QCOMPARE(int(pairs.size()), 3);
    QCOMPARE(pairs[0].problem,
             std::string("the quantized file has no llama.attention.head_count to undo the "
                         "rotary permutation with"));
    QCOMPARE(pairs[1].problem, std::string("shape 16x32 in the original, 32x16 in the quantized "
                                           "file (the same number of elements)"));
    QVERIFY(!pairs[1].transposed); // a reversed shape is a transposition only for Conv1D names
    QCOMPARE(pairs[2].problem, std::string("shape 16x32 in the original, 8x64 in the quantized "
                                           "file (the same number of elements)"));
    try {
        toOriginalLayout(loadTensor(file("odd.gguf"), pairs[1].quantized), pairs[1]);
        QFAIL("a pair with a problem was converted");
    } catch (const Error& e) {
        QCOMPARE(QString(e.what()), QString("tensor 'model.layers.0.self_attn.k_proj.weight': "
                                            "shape 16x32 in the original, 32x16 in the "
                                            "quantized file (the same number of elements)"));
    }
    QVERIFY_THROWS_EXCEPTION(Error,
                             pairModelTensors(file("missing.safetensors"), file("odd.gguf")));
}

// The report's against pass on the Q8_0 GGUF: each 2-D tensor's stored error is the report's own
// Q8_0 result (the same values: bit for bit after unpermuting), with the GGUF's size; the F32 norms
// have no error; a tensor the copy lacks is reported without a partner.
void TestModelPairing::againstPassMeasuresTheCopy()
{
    std::vector<Tensor> model = tinyLlama(23);
    writeLlamaGguf(file("against-q8.gguf"), model, [](GgufWriter& w, const Tensor& t) {
        if (t.rank() == 2)
            addQuantizedTensor(w, t.name, t, q8(t));
        else
            w.addFloatTensor(t.name, t.shape, *ggmlTypeByName("F32"), t.data.data());
    });
    model.push_back(randomTensor({4, 32}, 99));
    model.back().name = "extra.weight";
    writeTinySafetensors(file("against.safetensors"), model);
    ModelReportOptions options;
    options.againstPath = file("against-q8.gguf");
    const ModelReport r = computeModelReport(file("against.safetensors"),
                                             parseModelSchemes("q8_0", QuantConfig()), options);
    QCOMPARE(r.tensors.size(), model.size());
    double sse = 0;
    int64_t bytes = 0;
    for (const TensorReport& t : r.tensors) {
        if (t.name == "extra.weight") {
            QVERIFY(!t.against.ok);
            QVERIFY2(t.against.skipped.find("no partner") == 0, t.against.skipped.c_str());
            continue;
        }
        QVERIFY2(t.against.ok, t.against.skipped.c_str());
        QCOMPARE(t.againstName, ggufNameOf(t.name));
        const SchemeMetrics &a = t.against, &q = t.results[0];
        if (t.shape.size() == 2) {
            QCOMPARE(t.againstType, std::string("Q8_0"));
            // the same values: sums exact against computeMetrics (quantize's sums run in
            // another order, so the last bit may differ from the scheme's)
            const Tensor& x = model[size_t(&t - r.tensors.data())];
            const Metrics m = computeMetrics(x.data.data(), q8(x).dequantized.data(), x.numel());
            QCOMPARE_EXACT(a.sse, m.errorPower);
            QCOMPARE_EXACT(a.rmse, m.rmse);
            QVERIFY(std::fabs(a.sse - q.sse) <= 1e-12 * q.sse);
            QCOMPARE_EXACT(a.maxAbsError, q.maxAbsError);
            QCOMPARE_EXACT(a.medianAbsError, q.medianAbsError);
            QCOMPARE_EXACT(a.p95AbsError, q.p95AbsError);
            QCOMPARE(a.bytes, q.bytes);
            QCOMPARE(a.bytes, t.params / 32 * 34);
            QVERIFY(a.sse > 0);
        } else {
            QCOMPARE(t.againstType, std::string("F32"));
            QCOMPARE_EXACT(a.sse, 0);
            QCOMPARE(a.bytes, 4 * t.params);
        }
        sse += a.sse;
        bytes += a.bytes;
    }
    QCOMPARE(r.againstTotals.tensors, int64_t(model.size() - 1));
    QCOMPARE(r.againstTotals.bytes, bytes);
    QCOMPARE(r.againstTotals.sse, sse);
}

QTEST_APPLESS_MAIN(TestModelPairing)
#include "tst_model_pairing.moc"
