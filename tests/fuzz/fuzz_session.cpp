// libFuzzer harness: arbitrary bytes as a `.qscope` session file; a session that parses must
// write back to JSON that parses to the same configuration, tab and bins.
#include "tests/fuzz/fuzz_reader.h"

#include "ui/support/session.h"

QS_FUZZ_READER(session)
{
    using namespace qs::ui;
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    const Session s = sessionFromJson(bytes, QStringLiteral("fuzz.qscope"));
    const Session back = sessionFromJson(sessionToJson(s), QStringLiteral("fuzz.qscope"));
    if (!(back.config == s.config) || back.tab != s.tab || back.errorBins != s.errorBins ||
        back.valueBins != s.valueBins || back.source.kind != s.source.kind)
        qs::fuzz::broken("a session reads back different from what it wrote");
}
