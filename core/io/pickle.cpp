#include "core/io/pickle.h"

#include "core/base/error.h"

#include <cstring>
#include <unordered_map>

namespace qs {

namespace {

using Kind = PickleValue::Kind;

// Bounds on what a program may build up; every opcode reads at least one byte, so the arena and
// the memo are bounded by the program's size.
constexpr size_t kMaxStack = size_t(1) << 20;
constexpr size_t kMaxMarks = size_t(1) << 16;

enum class Role { RebuildTensor, RebuildParameter, StorageClass, Size, OrderedDict, Dtype };

struct AllowedGlobal {
    const char* name;
    Role role;
    ElementType type;
};

// Everything GLOBAL may name. Nothing here runs code: REDUCE interprets the rebuild functions,
// torch.Size and OrderedDict; storage classes and dtypes are only tags.
const AllowedGlobal kAllowed[] = {
    {"torch._utils._rebuild_tensor_v2", Role::RebuildTensor, ElementType::F32},
    {"torch._utils._rebuild_parameter", Role::RebuildParameter, ElementType::F32},
    {"torch._utils._rebuild_parameter_with_state", Role::RebuildParameter, ElementType::F32},
    {"collections.OrderedDict", Role::OrderedDict, ElementType::F32},
    {"torch.Size", Role::Size, ElementType::F32},
    {"torch.FloatStorage", Role::StorageClass, ElementType::F32},
    {"torch.HalfStorage", Role::StorageClass, ElementType::F16},
    {"torch.BFloat16Storage", Role::StorageClass, ElementType::BF16},
    {"torch.DoubleStorage", Role::StorageClass, ElementType::F64},
    {"torch.ByteStorage", Role::StorageClass, ElementType::U8},
    {"torch.CharStorage", Role::StorageClass, ElementType::I8},
    {"torch.ShortStorage", Role::StorageClass, ElementType::I16},
    {"torch.IntStorage", Role::StorageClass, ElementType::I32},
    {"torch.LongStorage", Role::StorageClass, ElementType::I64},
    {"torch.BoolStorage", Role::StorageClass, ElementType::Bool},
    {"torch.float32", Role::Dtype, ElementType::F32},
    {"torch.float16", Role::Dtype, ElementType::F16},
    {"torch.bfloat16", Role::Dtype, ElementType::BF16},
    {"torch.float64", Role::Dtype, ElementType::F64},
    {"torch.uint8", Role::Dtype, ElementType::U8},
    {"torch.int8", Role::Dtype, ElementType::I8},
    {"torch.int16", Role::Dtype, ElementType::I16},
    {"torch.int32", Role::Dtype, ElementType::I32},
    {"torch.int64", Role::Dtype, ElementType::I64},
    {"torch.bool", Role::Dtype, ElementType::Bool},
};

// A name from the file, safe to print: printable ASCII, at most 120 characters.
std::string printable(const std::string& s)
{
    std::string out;
    for (char c : s.substr(0, 120))
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return s.size() > 120 ? out + "..." : out;
}

class Machine {
public:
    Machine(const uint8_t* data, size_t size, const std::string& where)
        : m_data(data), m_size(size), m_where(where)
    {
    }

    PickleProgram run()
    {
        while (true) {
            m_opAt = m_pos;
            m_op = take(1)[0];
            if (m_op == '.') {
                m_prog.root = pop();
                return std::move(m_prog);
            }
            if (!(scalarOp() || stringOp() || containerOp() || memoOp() || objectOp()))
                fail("refuses opcode 0x" + hex(m_op) +
                     ": only tensor data is read from checkpoints");
        }
    }

private:
    const uint8_t* m_data;
    size_t m_size;
    const std::string& m_where;
    size_t m_pos = 0, m_opAt = 0;
    uint8_t m_op = 0;
    PickleProgram m_prog;
    std::vector<size_t> m_stack, m_marks;
    std::unordered_map<uint64_t, size_t> m_memo;

    static std::string hex(unsigned v)
    {
        const char* digits = "0123456789abcdef";
        return {digits[(v >> 4) & 15], digits[v & 15]};
    }

    [[noreturn]] void fail(const std::string& what) const
    {
        throw Error(m_where + ": pickle opcode at byte " + std::to_string(m_opAt) + ": " + what);
    }

    [[noreturn]] void refuse(const std::string& global) const
    {
        throw Error(m_where + ": refuses to call '" + printable(global) +
                    "': only tensor data is read from checkpoints");
    }

    const uint8_t* take(uint64_t n)
    {
        if (n > m_size - m_pos)
            fail("truncated pickle (needs " + std::to_string(n) + " bytes, " +
                 std::to_string(m_size - m_pos) + " left)");
        const uint8_t* p = m_data + m_pos;
        m_pos += static_cast<size_t>(n);
        return p;
    }

    uint64_t unsignedArg(int n) { return readLE(take(static_cast<uint64_t>(n)), n); }

    size_t make(PickleValue v)
    {
        m_prog.values.push_back(std::move(v));
        return m_prog.values.size() - 1;
    }

    void push(size_t v)
    {
        if (m_stack.size() >= kMaxStack)
            fail("stack deeper than " + std::to_string(kMaxStack));
        m_stack.push_back(v);
    }

    size_t base() const { return m_marks.empty() ? 0 : m_marks.back(); }

    size_t pop()
    {
        if (m_stack.size() <= base())
            fail("stack underflow");
        const size_t v = m_stack.back();
        m_stack.pop_back();
        return v;
    }

    PickleValue& top(Kind kind, const char* what)
    {
        if (m_stack.size() <= base())
            fail("stack underflow");
        PickleValue& v = m_prog.values[m_stack.back()];
        if (v.kind != kind)
            fail(std::string("expects a ") + what + " below its operands");
        return v;
    }

    std::vector<size_t> popToMark()
    {
        if (m_marks.empty())
            fail("no MARK to pop to");
        std::vector<size_t> items(m_stack.begin() + static_cast<std::ptrdiff_t>(m_marks.back()),
                                  m_stack.end());
        m_stack.resize(m_marks.back());
        m_marks.pop_back();
        return items;
    }

    const PickleValue& at(size_t i) const { return m_prog.values[i]; }

    bool scalarOp();
    bool stringOp();
    bool containerOp();
    bool memoOp();
    bool objectOp();
    void pushGlobal();
    void call(size_t callable, size_t args);
    size_t rebuildTensor(const std::vector<size_t>& args);
    std::vector<int64_t> intTuple(size_t v, const char* what);
    void persistentLoad(size_t pid);
};

bool Machine::scalarOp()
{
    PickleValue v;
    switch (m_op) {
    case 0x80: // PROTO
        if (take(1)[0] > 5)
            fail("unsupported pickle protocol " + std::to_string(m_data[m_pos - 1]));
        return true;
    case 0x95: // FRAME: a length hint only
        unsignedArg(8);
        return true;
    case '(': // MARK
        if (m_marks.size() >= kMaxMarks)
            fail("more than " + std::to_string(kMaxMarks) + " open MARKs");
        m_marks.push_back(m_stack.size());
        return true;
    case 'N':
        break;
    case 0x88: // NEWTRUE
    case 0x89: // NEWFALSE
        v.kind = Kind::Bool;
        v.integer = m_op == 0x88;
        break;
    case 'J': // BININT
        v.kind = Kind::Int;
        v.integer = static_cast<int32_t>(unsignedArg(4));
        break;
    case 'K': // BININT1
    case 'M': // BININT2
        v.kind = Kind::Int;
        v.integer = static_cast<int64_t>(unsignedArg(m_op == 'K' ? 1 : 2));
        break;
    case 0x8a: { // LONG1
        const int n = take(1)[0];
        if (n > 8)
            fail("integer of " + std::to_string(n) + " bytes is too large");
        v.kind = Kind::Int;
        const uint64_t u = n ? readLE(take(static_cast<uint64_t>(n)), n) : 0;
        v.integer = n == 0 || n == 8 ? static_cast<int64_t>(u)
                                     : static_cast<int64_t>(u << (64 - 8 * n)) >> (64 - 8 * n);
        break;
    }
    case 'G': { // BINFLOAT, big-endian
        const uint8_t* p = take(8);
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i)
            bits = bits << 8 | p[i];
        v.kind = Kind::Float;
        std::memcpy(&v.real, &bits, 8);
        break;
    }
    default:
        return false;
    }
    push(make(std::move(v)));
    return true;
}

bool Machine::stringOp()
{
    uint64_t n = 0;
    switch (m_op) {
    case 0x8c: // SHORT_BINUNICODE
    case 'U':  // SHORT_BINSTRING
        n = unsignedArg(1);
        break;
    case 'X': // BINUNICODE
        n = unsignedArg(4);
        break;
    case 'T': // BINSTRING, signed length
        n = unsignedArg(4);
        if (n >= 0x80000000u)
            fail("negative string length");
        break;
    case 0x8d: // BINUNICODE8
        n = unsignedArg(8);
        break;
    case 'c': // GLOBAL
        pushGlobal();
        return true;
    default:
        return false;
    }
    PickleValue v;
    v.kind = Kind::String;
    const uint8_t* p = take(n);
    v.text.assign(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    push(make(std::move(v)));
    return true;
}

bool Machine::containerOp()
{
    PickleValue v;
    switch (m_op) {
    case '}': // EMPTY_DICT
        v.kind = Kind::Dict;
        break;
    case ']': // EMPTY_LIST
        v.kind = Kind::List;
        break;
    case ')': // EMPTY_TUPLE
        v.kind = Kind::Tuple;
        break;
    case 't': // TUPLE
        v.kind = Kind::Tuple;
        v.items = popToMark();
        break;
    case 0x85: // TUPLE1
    case 0x86: // TUPLE2
    case 0x87: // TUPLE3
        v.kind = Kind::Tuple;
        v.items.resize(static_cast<size_t>(m_op - 0x84));
        for (size_t i = v.items.size(); i-- > 0;)
            v.items[i] = pop();
        break;
    case 'a': { // APPEND
        const size_t item = pop();
        top(Kind::List, "list").items.push_back(item);
        return true;
    }
    case 'e': { // APPENDS
        const std::vector<size_t> items = popToMark();
        auto& list = top(Kind::List, "list").items;
        list.insert(list.end(), items.begin(), items.end());
        return true;
    }
    case 's': { // SETITEM
        const size_t value = pop(), key = pop();
        auto& dict = top(Kind::Dict, "dict").items;
        dict.push_back(key);
        dict.push_back(value);
        return true;
    }
    case 'u': { // SETITEMS
        const std::vector<size_t> items = popToMark();
        if (items.size() % 2)
            fail("SETITEMS with an odd number of items");
        auto& dict = top(Kind::Dict, "dict").items;
        dict.insert(dict.end(), items.begin(), items.end());
        return true;
    }
    default:
        return false;
    }
    push(make(std::move(v)));
    return true;
}

bool Machine::memoOp()
{
    uint64_t index = 0;
    switch (m_op) {
    case 'h':   // BINGET
    case 'j': { // LONG_BINGET
        index = unsignedArg(m_op == 'h' ? 1 : 4);
        const auto it = m_memo.find(index);
        if (it == m_memo.end())
            fail("memo index " + std::to_string(index) + " is not set");
        push(it->second);
        return true;
    }
    case 'q': // BINPUT
    case 'r': // LONG_BINPUT
        index = unsignedArg(m_op == 'q' ? 1 : 4);
        break;
    case 0x94: // MEMOIZE
        index = m_memo.size();
        break;
    default:
        return false;
    }
    if (m_stack.size() <= base())
        fail("stack underflow");
    m_memo[index] = m_stack.back();
    return true;
}

bool Machine::objectOp()
{
    switch (m_op) {
    case 'R':    // REDUCE
    case 0x81: { // NEWOBJ
        const size_t args = pop(), callable = pop();
        call(callable, args);
        return true;
    }
    case 'b': { // BUILD: state of an OrderedDict or a tensor (its attributes) is not needed
        pop();
        if (m_stack.size() <= base())
            fail("stack underflow");
        const Kind k = at(m_stack.back()).kind;
        if (k != Kind::Dict && k != Kind::Tensor)
            fail("BUILD applies only to dicts and tensors");
        return true;
    }
    case 'Q': // BINPERSID
        persistentLoad(pop());
        return true;
    default:
        return false;
    }
}

void Machine::pushGlobal()
{
    std::string name;
    for (int part = 0; part < 2; ++part) {
        const void* nl = std::memchr(m_data + m_pos, '\n', m_size - m_pos);
        if (!nl)
            fail("truncated GLOBAL name");
        const size_t len = static_cast<size_t>(static_cast<const uint8_t*>(nl) - (m_data + m_pos));
        name += (part ? "." : "") + std::string(reinterpret_cast<const char*>(take(len + 1)), len);
    }
    for (const AllowedGlobal& g : kAllowed) {
        if (name != g.name)
            continue;
        PickleValue v;
        v.kind = Kind::Global;
        v.text = name;
        v.integer = static_cast<int64_t>(g.role);
        v.type = g.type;
        push(make(std::move(v)));
        return;
    }
    refuse(name);
}

std::vector<int64_t> Machine::intTuple(size_t v, const char* what)
{
    if (at(v).kind != Kind::Tuple)
        fail(std::string(what) + " is not a tuple");
    std::vector<int64_t> out;
    for (size_t item : at(v).items) {
        if (at(item).kind != Kind::Int || at(item).integer < 0)
            fail(std::string(what) + " holds something other than a non-negative integer");
        out.push_back(at(item).integer);
    }
    return out;
}

size_t Machine::rebuildTensor(const std::vector<size_t>& args)
{
    if (args.size() < 4 || at(args[0]).kind != Kind::Storage || at(args[1]).kind != Kind::Int ||
        at(args[1]).integer < 0)
        fail("_rebuild_tensor_v2 expects (storage, offset, size, stride, ...)");
    PickleValue t;
    t.kind = Kind::Tensor;
    t.items = {args[0]};
    t.type = at(args[0]).type;
    t.integer = at(args[1]).integer;
    t.size = intTuple(args[2], "tensor size");
    t.stride = intTuple(args[3], "tensor stride");
    if (t.size.size() != t.stride.size())
        fail("tensor size and stride have different lengths");
    return make(std::move(t));
}

void Machine::call(size_t callable, size_t args)
{
    const PickleValue& f = at(callable);
    if (f.kind != Kind::Global)
        fail("calls something that is not an allowed global");
    if (at(args).kind != Kind::Tuple)
        fail("call arguments are not a tuple");
    const std::vector<size_t> a = at(args).items;
    const std::string name = f.text;
    switch (static_cast<Role>(f.integer)) {
    case Role::RebuildTensor:
        push(rebuildTensor(a));
        return;
    case Role::RebuildParameter:
        if (a.empty() || at(a[0]).kind != Kind::Tensor)
            fail("_rebuild_parameter expects a tensor");
        push(a[0]);
        return;
    case Role::OrderedDict: {
        if (!a.empty())
            fail("OrderedDict is built empty in checkpoints");
        PickleValue d;
        d.kind = Kind::Dict;
        push(make(std::move(d)));
        return;
    }
    case Role::Size: {
        PickleValue t;
        t.kind = Kind::Tuple;
        if (a.size() != 1)
            fail("torch.Size expects one tuple");
        intTuple(a[0], "torch.Size");
        t.items = at(a[0]).items;
        push(make(std::move(t)));
        return;
    }
    case Role::StorageClass:
    case Role::Dtype:
        break;
    }
    refuse(name);
}

// ('storage', storage class, key, location, element count): a storage in data/<key>.
void Machine::persistentLoad(size_t pid)
{
    const PickleValue& p = at(pid);
    if (p.kind != Kind::Tuple || p.items.size() != 5 || at(p.items[0]).kind != Kind::String ||
        at(p.items[0]).text != "storage")
        fail("persistent id is not a ('storage', ...) record");
    const PickleValue &cls = at(p.items[1]), &key = at(p.items[2]), &numel = at(p.items[4]);
    if (cls.kind != Kind::Global || static_cast<Role>(cls.integer) != Role::StorageClass)
        fail("persistent storage has no torch storage class");
    if (key.kind != Kind::String || key.text.empty() || key.text.size() > 64 ||
        key.text.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != std::string::npos)
        fail("storage key is not a plain name");
    if (numel.kind != Kind::Int || numel.integer < 0)
        fail("storage element count is not a non-negative integer");
    PickleValue s;
    s.kind = Kind::Storage;
    s.text = key.text;
    s.type = cls.type;
    s.integer = numel.integer;
    push(make(std::move(s)));
}

} // namespace

PickleProgram unpickleRestricted(const uint8_t* data, size_t size, const std::string& where)
{
    if (size == 0)
        throw Error(where + ": empty pickle");
    return Machine(data, size, where).run();
}

} // namespace qs
