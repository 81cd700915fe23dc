// Malformed session (.qscope) and lesson (.json) files, one per kind of failure, each with a
// part of the message it must give. The window's tests (tst_ui_bad_documents) and the CLI's
// (`plot --lesson`, tst_cli) read the same rows.
#pragma once

#include <QTest>

namespace qs::test {

struct BadDocument {
    const char* kind;    // the row's name: the kind of failure
    const char* text;    // the file's content
    const char* message; // a part of the error message
};

// A valid session around `config` and `source`.
#define QS_SESSION(source, config)                                                                 \
    R"({"format": "quantscope-session", "version": 1, "source": )" source R"(, "config": )" config \
    R"(, "view": {"tab": "histogram", "error_bins": 51, "value_bins": 64}})"
#define QS_GENERATED(shape) R"({"kind": "generate", "generator": {"shape": )" shape "}}"

inline const BadDocument kBadSessions[] = {
    {"empty file", "", "not a session file"},
    {"truncated JSON", R"({"format": "quantscope-session", "version": 1, "config": {"bits": )",
     "JSON error at offset"},
    {"not an object", "[1, 2, 3]", "the top level is not a JSON object"},
    {"wrong format", R"({"format": "quantscope-lesson", "version": 1})",
     R"('format' is not "quantscope-session")"},
    {"newer version", R"({"format": "quantscope-session", "version": 7})",
     "version 7 is newer than this QuantScope reads (1)"},
    {"bits of the wrong type", QS_SESSION(QS_GENERATED("[64]"), R"({"bits": "eight"})"), "bits"},
    {"impossible bits", QS_SESSION(QS_GENERATED("[64]"), R"({"bits": 99})"), "bits"},
    {"unknown scheme", QS_SESSION(QS_GENERATED("[64]"), R"({"scheme": "logarithmic"})"),
     "logarithmic"},
    {"unknown source kind", QS_SESSION(R"({"kind": "url"})", "{}"),
     "unknown source kind 'url' (valid: generate, file)"},
    {"file source without a path", QS_SESSION(R"({"kind": "file"})", "{}"),
     "source 'path' is empty"},
    {"missing source file", QS_SESSION(R"({"kind": "file", "path": "gone-weights.npy"})", "{}"),
     "gone-weights.npy does not exist"},
    {"shape that overflows", QS_SESSION(QS_GENERATED("[1e12, 1e12]"), "{}"), "overflows"},
    {"too many values", QS_SESSION(QS_GENERATED("[100000, 100000]"), "{}"), "at most 1000000000"},
    {"negative dimension", QS_SESSION(QS_GENERATED("[-4]"), "{}"), "'shape'"},
    {"unknown distribution",
     QS_SESSION(R"({"kind": "generate", "generator": {"distribution": "cauchy"}})", "{}"),
     "cauchy"},
    {"huge bin count",
     R"({"format": "quantscope-session", "version": 1, "view": {"error_bins": 1e300}})",
     "error_bins"},
};

// A valid lesson around `source`, `config` and the rest of its keys.
#define QS_LESSON(source, config, rest)                                                            \
    R"({"id": "bad", "title": "A bad lesson", "source": )" source R"(, "config": )" config rest "}"
#define QS_VALUES R"({"values": [0, 1, 2, 3]})"

inline const BadDocument kBadLessons[] = {
    {"empty file", "", "not valid JSON"},
    {"truncated JSON", R"({"id": "bad", "title": "x", "source": {"values": [1, 2)",
     "not valid JSON"},
    {"not an object", "[1, 2, 3]", "not a lesson: the top level is not a JSON object"},
    {"wrong format", QS_LESSON(QS_VALUES, "{}", R"(, "format": "quantscope-session")"),
     R"(must be "quantscope-lesson")"},
    {"newer version", QS_LESSON(QS_VALUES, "{}", R"(, "version": 2)"), "version"},
    {"missing source", R"({"id": "bad", "title": "x", "config": {}})", "source"},
    {"bits of the wrong type", QS_LESSON(QS_VALUES, R"({"bits": "eight"})", ""), "bits"},
    {"impossible bits", QS_LESSON(QS_VALUES, R"({"bits": 99})", ""), "bits"},
    {"unknown scheme", QS_LESSON(QS_VALUES, R"({"scheme": "logarithmic"})", ""), "logarithmic"},
    {"unknown key", QS_LESSON(QS_VALUES, "{}", R"(, "colour": "red")"), "colour"},
    {"unknown chart", QS_LESSON(QS_VALUES, "{}", R"(, "chart": "pie")"), "'pie' is not a chart"},
    {"step with a missing dataset",
     QS_LESSON(QS_VALUES, "{}",
               R"(, "steps": [{"caption": "a"}, {"caption": "b", "source": )"
               R"({"dataset": "no-such-data"}}])"),
     "'no-such-data' is unknown"},
    {"number out of range", QS_LESSON(QS_VALUES, R"({"bits": 1e999})", ""),
     "number overflow parsing '1e999'"},
    {"too many values",
     QS_LESSON(R"({"generate": {"distribution": "normal", "shape": [100000, 100000]}})", "{}", ""),
     "at most 20 000 000 values"},
    {"shape that overflows",
     QS_LESSON(R"({"generate": {"distribution": "normal", "shape": [)"
               R"(10000000000, 10000000000]}})",
               "{}", ""),
     "overflows"},
    {"steps of the wrong type", QS_LESSON(QS_VALUES, "{}", R"(, "steps": "first")"), "steps"},
};

#undef QS_VALUES
#undef QS_LESSON
#undef QS_GENERATED
#undef QS_SESSION

// One data row per document: columns "text" and "message".
template <size_t N> void addBadDocumentRows(const BadDocument (&rows)[N])
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    for (const BadDocument& d : rows)
        QTest::newRow(d.kind) << QByteArray(d.text) << QString::fromUtf8(d.message);
}

} // namespace qs::test
