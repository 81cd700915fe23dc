// libFuzzer harness: arbitrary bytes as a bare pickle for the restricted unpickler alone (the
// checkpoint harness fuzz_torch reaches it mostly through zip archives, whose CRC-32 stops most
// mutations of the pickle inside).
#include "tests/fuzz/fuzz_reader.h"

#include "core/io/pickle.h"

QS_FUZZ_READER(pickle)
{
    (void)qs::unpickleRestricted(data, size, "fuzz.pkl");
}
