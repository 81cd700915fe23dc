// Tests of tensorRole(): the layer index and kind of real tensor names of the common families
// (Llama / Mistral / Qwen / Gemma, GPT-2, BERT, GPT-NeoX and GGUF), and the kind names.
#include "core/model/tensor_role.h"

#include <QtTest>

#include <string>

using namespace qs;

class TestTensorRole : public QObject {
    Q_OBJECT
private slots:
    void roles_data();
    void roles();
    void kindNamesRoundTrip();
};

void TestTensorRole::roles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("layer");
    QTest::addColumn<QString>("kind");
    const struct {
        const char* name;
        int layer;
        const char* kind;
    } rows[] = {
        // Llama / Mistral / Qwen / Gemma
        {"model.embed_tokens.weight", -1, "embedding"},
        {"model.layers.0.self_attn.q_proj.weight", 0, "attn_q"},
        {"model.layers.12.self_attn.k_proj.weight", 12, "attn_k"},
        {"model.layers.3.self_attn.v_proj.weight", 3, "attn_v"},
        {"model.layers.3.self_attn.q_proj.bias", 3, "attn_q"},
        {"model.layers.31.self_attn.o_proj.weight", 31, "attn_out"},
        {"model.layers.7.mlp.gate_proj.weight", 7, "mlp_gate"},
        {"model.layers.7.mlp.up_proj.weight", 7, "mlp_up"},
        {"model.layers.7.mlp.down_proj.weight", 7, "mlp_down"},
        {"model.layers.7.input_layernorm.weight", 7, "norm"},
        {"model.layers.7.post_attention_layernorm.weight", 7, "norm"},
        {"model.layers.2.pre_feedforward_layernorm.weight", 2, "norm"},
        {"model.layers.2.self_attn.q_norm.weight", 2, "norm"},
        {"model.norm.weight", -1, "norm"},
        {"lm_head.weight", -1, "output"},
        // GPT-2
        {"transformer.wte.weight", -1, "embedding"},
        {"wpe.weight", -1, "embedding"},
        {"transformer.h.5.attn.c_attn.weight", 5, "attn_qkv"},
        {"h.5.attn.c_attn.bias", 5, "attn_qkv"},
        {"transformer.h.5.attn.c_proj.weight", 5, "attn_out"},
        {"transformer.h.5.mlp.c_fc.weight", 5, "mlp_up"},
        {"transformer.h.5.mlp.c_proj.weight", 5, "mlp_down"},
        {"transformer.h.5.ln_1.weight", 5, "norm"},
        {"transformer.h.5.ln_2.bias", 5, "norm"},
        {"h.5.attn.bias", 5, "other"},
        {"transformer.ln_f.weight", -1, "norm"},
        // BERT
        {"bert.embeddings.word_embeddings.weight", -1, "embedding"},
        {"bert.embeddings.position_embeddings.weight", -1, "embedding"},
        {"bert.embeddings.token_type_embeddings.weight", -1, "embedding"},
        {"bert.embeddings.LayerNorm.weight", -1, "norm"},
        {"bert.encoder.layer.4.attention.self.query.weight", 4, "attn_q"},
        {"bert.encoder.layer.4.attention.self.key.bias", 4, "attn_k"},
        {"encoder.layer.4.attention.self.value.weight", 4, "attn_v"},
        {"bert.encoder.layer.4.attention.output.dense.weight", 4, "attn_out"},
        {"bert.encoder.layer.4.attention.output.LayerNorm.gamma", 4, "norm"},
        {"bert.encoder.layer.4.intermediate.dense.weight", 4, "mlp_up"},
        {"bert.encoder.layer.4.output.dense.weight", 4, "mlp_down"},
        {"bert.encoder.layer.4.output.LayerNorm.weight", 4, "norm"},
        {"bert.pooler.dense.weight", -1, "other"},
        {"cls.predictions.decoder.weight", -1, "output"},
        {"cls.predictions.transform.LayerNorm.weight", -1, "norm"},
        // GPT-NeoX
        {"gpt_neox.layers.9.attention.query_key_value.weight", 9, "attn_qkv"},
        {"gpt_neox.layers.9.attention.dense.weight", 9, "attn_out"},
        {"gpt_neox.layers.9.mlp.dense_h_to_4h.weight", 9, "mlp_up"},
        {"gpt_neox.layers.9.mlp.dense_4h_to_h.weight", 9, "mlp_down"},
        {"gpt_neox.embed_in.weight", -1, "embedding"},
        {"embed_out.weight", -1, "output"},
        // GGUF
        {"token_embd.weight", -1, "embedding"},
        {"blk.0.attn_q.weight", 0, "attn_q"},
        {"blk.0.attn_k.weight", 0, "attn_k"},
        {"blk.0.attn_v.weight", 0, "attn_v"},
        {"blk.10.attn_qkv.weight", 10, "attn_qkv"},
        {"blk.0.attn_output.weight", 0, "attn_out"},
        {"blk.25.ffn_gate.weight", 25, "mlp_gate"},
        {"blk.25.ffn_up.weight", 25, "mlp_up"},
        {"blk.25.ffn_down.weight", 25, "mlp_down"},
        {"blk.3.ffn_down_exps.weight", 3, "mlp_down"},
        {"blk.3.ffn_gate_inp.weight", 3, "other"},
        {"blk.0.attn_norm.weight", 0, "norm"},
        {"blk.0.ffn_norm.weight", 0, "norm"},
        {"blk.0.attn_q_norm.weight", 0, "norm"},
        {"output_norm.weight", -1, "norm"},
        {"output.weight", -1, "output"},
        // Nothing to go by
        {"w", -1, "other"},
        {"arr_0", -1, "other"},
        {"layers.x.weight", -1, "other"},
    };
    for (const auto& r : rows)
        QTest::newRow(r.name) << QString(r.name) << r.layer << QString(r.kind);
}

void TestTensorRole::roles()
{
    QFETCH(QString, name);
    QFETCH(int, layer);
    QFETCH(QString, kind);
    const TensorRole role = tensorRole(name.toStdString());
    QCOMPARE(role.layer, layer);
    QCOMPARE(QString(tensorKindName(role.kind)), kind);
}

void TestTensorRole::kindNamesRoundTrip()
{
    const char* names[] = {"attn_q", "attn_k",   "attn_v",    "attn_qkv", "attn_out", "mlp_gate",
                           "mlp_up", "mlp_down", "embedding", "output",   "norm",     "other"};
    for (int k = 0; k <= int(TensorKind::Other); ++k) {
        QCOMPARE(QString(tensorKindName(TensorKind(k))), QString(names[k]));
        QCOMPARE(int(tensorKindFromName(names[k])), k);
    }
    QCOMPARE(int(tensorKindFromName("attention")), int(TensorKind::Other));
}

QTEST_GUILESS_MAIN(TestTensorRole)
#include "tst_tensor_role.moc"
