#include "protocol/requests.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "model/document.hpp"
#include "ot/json.hpp"
#include "protocol/limits.hpp"
#include "protocol/protocol.hpp"
#include "text/utf8.hpp"

namespace samen::protocol {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& why) {
    throw ProtocolError(ErrorCode::bad_request, why);
}

const std::string& name_field(const json& msg, const char* name) {
    const std::string& s = string_field(msg, name);
    if (s.empty() || s.size() > limits::max_name_bytes) {
        bad(std::string("\"") + name + "\" must hold 1 to " +
            std::to_string(limits::max_name_bytes) + " bytes");
    }
    return s;
}

/// Absent: nullopt. Present: a name (null too where `null_allowed`).
std::optional<std::string> optional_name(const json& msg, const char* name,
                                         bool null_allowed = true) {
    auto it = msg.find(name);
    if (it == msg.end() || (null_allowed && it->is_null())) return std::nullopt;
    return name_field(msg, name);
}

const std::string& title_field(const json& msg, const char* name = "title") {
    const std::string& title = string_field(msg, name);
    if (!valid_title(title)) {
        bad("a title is one line of 1 to " + std::to_string(limits::max_title_bytes) + " bytes");
    }
    return title;
}

std::int64_t position_field(const json& msg) {
    return static_cast<std::int64_t>(std::min(uint_field(msg, "position"), limits::max_position));
}

/// `parent` must be there; null is the top level.
std::optional<std::string> parent_field(const json& msg) {
    if (!msg.contains("parent")) bad("\"parent\" is missing (null: top level)");
    return optional_name(msg, "parent");
}

template <class T>
T layer_fields(const json& msg) {
    T r;
    r.doc = string_field(msg, "doc");
    r.section = name_field(msg, "section");
    r.layer = name_field(msg, "layer");
    return r;
}

template <class T>
DocumentRequest layer_target(const json& msg) {
    return layer_fields<T>(msg);
}

Request hello(const json& msg) {
    Hello r{string_field(msg, "token")};
    if (msg.contains("client")) name_field(msg, "client");
    if (msg.contains("batches")) {
        const json& batches = msg.at("batches");
        if (!batches.is_boolean()) {
            throw ProtocolError(ErrorCode::bad_request, "'batches' must be true or false");
        }
        r.batches = batches.get<bool>();
    }
    return r;
}

Request document_create(const json& msg) {
    DocumentCreate d;
    d.doc = string_field(msg, "doc");
    if (d.doc.empty() || d.doc.size() > limits::max_doc_id_bytes || d.doc.front() == '-' ||
        d.doc.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
        bad("a document id holds 1 to " + std::to_string(limits::max_doc_id_bytes) +
            " lower-case letters, digits and '-'");
    }
    d.title = title_field(msg);
    const auto& municipalities = field(msg, "municipalities");
    if (!municipalities.is_array() || municipalities.empty() ||
        municipalities.size() > limits::max_municipalities) {
        bad("\"municipalities\" lists the codes taking part");
    }
    for (const auto& code : municipalities) {
        if (!code.is_string() || !model::is_municipality_code(code.get<std::string>())) {
            bad("\"municipalities\" holds codes such as GM0166");
        }
        if (std::find(d.municipalities.begin(), d.municipalities.end(), code) !=
            d.municipalities.end()) {
            bad("a municipality is listed twice");
        }
        d.municipalities.push_back(code.get<std::string>());
    }
    d.template_doc = optional_name(msg, "template", false);
    if (msg.contains("markdown")) d.markdown = string_field(msg, "markdown");
    if (d.template_doc && d.markdown) {
        bad("a document starts from a template or from Markdown, not both");
    }
    return d;
}

DocumentRequest open(const json& msg) {
    return Open{name_field(msg, "doc"), optional_uint_field(msg, "since")};
}

DocumentRequest close(const json& msg) {
    return Close{string_field(msg, "doc")};
}

DocumentRequest edit(const json& msg) {
    Edit r;
    r.doc = string_field(msg, "doc");
    r.section = name_field(msg, "section");
    r.layer = name_field(msg, "layer");
    r.base = uint_field(msg, "base");
    r.opid = name_field(msg, "opid");
    r.op = ot::op_from_json(field(msg, "op"));
    if (r.op.empty()) bad("an edit must change something");
    return r;
}

DocumentRequest presence(const json& msg) {
    Presence r;
    r.doc = string_field(msg, "doc");
    r.section = name_field(msg, "section");
    r.layer = name_field(msg, "layer");
    const auto& sel = field(msg, "sel");
    const auto anchor = sel.is_array() && sel.size() == 2 ? whole_number(sel[0]) : std::nullopt;
    const auto head = sel.is_array() && sel.size() == 2 ? whole_number(sel[1]) : std::nullopt;
    if (!anchor || !head) bad("\"sel\" must be [anchor, head]");
    r.sel = {static_cast<std::size_t>(*anchor), static_cast<std::size_t>(*head)};
    return r;
}

/// Absent: nullopt. Present: a UTC time "YYYY-MM-DDTHH:MM:SSZ", as the server writes them.
std::optional<std::string> optional_time_field(const json& msg, const char* name) {
    auto it = msg.find(name);
    if (it == msg.end()) return std::nullopt;
    const std::string& t = string_field(msg, name);
    if (!valid_utc_time(t)) {
        bad(std::string("\"") + name + "\" must be a UTC time as 2026-03-28T14:30:00Z");
    }
    return t;
}

DocumentRequest effective(const json& msg) {
    Effective r{string_field(msg, "doc"), name_field(msg, "municipality"),
                optional_uint_field(msg, "rev"), optional_time_field(msg, "at")};
    if (r.rev && r.at) bad("\"rev\" or \"at\", not both");
    return r;
}

DocumentRequest divergence(const json& msg) {
    return Divergence{string_field(msg, "doc")};
}

DocumentRequest section_create(const json& msg) {
    SectionCreate r;
    r.doc = string_field(msg, "doc");
    r.title = title_field(msg);
    r.parent = parent_field(msg);
    r.position = position_field(msg);
    r.owner = optional_name(msg, "owner");
    if (msg.contains("kind")) {
        r.kind = string_field(msg, "kind");
        if (!model::parse_section_kind(r.kind)) {
            bad("\"kind\" is \"text\", \"maatregel\" or \"field\"");
        }
    }
    return r;
}

DocumentRequest section_rename(const json& msg) {
    return SectionRename{string_field(msg, "doc"), name_field(msg, "section"), title_field(msg)};
}

DocumentRequest section_move(const json& msg) {
    SectionMove r;
    r.doc = string_field(msg, "doc");
    r.section = name_field(msg, "section");
    r.parent = parent_field(msg);
    r.position = position_field(msg);
    return r;
}

DocumentRequest section_delete(const json& msg) {
    return SectionDelete{string_field(msg, "doc"), name_field(msg, "section")};
}

DocumentRequest section_restore(const json& msg) {
    return SectionRestore{string_field(msg, "doc"), name_field(msg, "section")};
}

DocumentRequest rebase_commit(const json& msg) {
    auto r = layer_fields<RebaseCommit>(msg);
    r.rev = uint_field(msg, "rev");
    r.text = string_field(msg, "text");
    return r;
}

DocumentRequest propose(const json& msg) {
    Propose r;
    r.doc = string_field(msg, "doc");
    r.section = name_field(msg, "section");
    r.layer = name_field(msg, "layer");
    if (msg.contains("text")) r.text = string_field(msg, "text");
    return r;
}

DocumentRequest vote(const json& msg) {
    Vote r;
    r.doc = string_field(msg, "doc");
    r.proposal =
        static_cast<std::int64_t>(std::min(uint_field(msg, "proposal"), limits::max_proposal_id));
    const std::string& ballot = string_field(msg, "vote");
    if (ballot != "approve" && ballot != "reject") bad("\"vote\" is \"approve\" or \"reject\"");
    r.vote = ballot == "approve" ? Ballot::approve : Ballot::reject;
    return r;
}

const std::string& comment_text(const json& msg) {
    const std::string& text = string_field(msg, "text");
    if (text.empty() || text.size() > limits::max_comment_bytes || !utf8::valid(text)) {
        bad("a comment's text holds 1 to " + std::to_string(limits::max_comment_bytes) +
            " bytes of UTF-8");
    }
    return text;
}

std::int64_t thread_field(const json& msg) {
    return static_cast<std::int64_t>(std::min(uint_field(msg, "thread"), limits::max_proposal_id));
}

DocumentRequest comment(const json& msg) {
    Comment r;
    r.doc = string_field(msg, "doc");
    r.section = name_field(msg, "section");
    r.layer = name_field(msg, "layer");
    r.from = uint_field(msg, "from");
    r.to = uint_field(msg, "to");
    if (r.to < r.from) bad("\"to\" comes at or after \"from\"");
    r.text = comment_text(msg);
    r.municipality = optional_name(msg, "municipality");  // one taking part: the model checks
    if (auto p = optional_uint_field(msg, "proposal")) {
        r.proposal = static_cast<std::int64_t>(std::min(*p, limits::max_proposal_id));
    }
    return r;
}

DocumentRequest comment_reply(const json& msg) {
    return CommentReply{string_field(msg, "doc"), thread_field(msg), comment_text(msg)};
}

DocumentRequest comment_resolve(const json& msg) {
    const json& resolved = field(msg, "resolved");
    if (!resolved.is_boolean()) bad("\"resolved\" is true or false");
    return CommentResolve{string_field(msg, "doc"), thread_field(msg), resolved.get<bool>()};
}

DocumentRequest tag(const json& msg) {
    Tag r;
    r.doc = string_field(msg, "doc");
    r.label = string_field(msg, "label");
    if (r.label.empty() || r.label.size() > limits::max_label_bytes) {
        bad("a label holds 1 to " + std::to_string(limits::max_label_bytes) + " bytes of UTF-8");
    }
    r.rev = optional_uint_field(msg, "rev");
    return r;
}

DocumentRequest document_rename(const json& msg) {
    return DocumentRename{string_field(msg, "doc"), title_field(msg)};
}

DocumentRequest document_archive(const json& msg) {
    const auto& archived = field(msg, "archived");
    if (!archived.is_boolean()) bad("\"archived\" must be true or false");
    return DocumentArchive{string_field(msg, "doc"), archived.get<bool>()};
}

DocumentRequest history(const json& msg) {
    return History{string_field(msg, "doc"), name_field(msg, "section"),
                   optional_name(msg, "layer", false), optional_uint_field(msg, "before")};
}

DocumentRequest text_at(const json& msg) {
    return TextAt{string_field(msg, "doc"), name_field(msg, "section"), name_field(msg, "layer"),
                  uint_field(msg, "rev")};
}

DocumentRequest diff(const json& msg) {
    Diff r;
    r.doc = string_field(msg, "doc");
    r.section = optional_name(msg, "section", false);
    r.layer = optional_name(msg, "layer", false);
    r.municipality = optional_name(msg, "municipality", false);
    r.from = uint_field(msg, "from");
    r.to = uint_field(msg, "to");
    if (!r.municipality && (!r.section || !r.layer)) {
        bad("a diff needs \"section\" and \"layer\", or \"municipality\"");
    }
    return r;
}

DocumentRequest priorities_set(const json& msg) {
    PrioritiesSet r{string_field(msg, "doc"), name_field(msg, "municipality"), {}};
    const json& sections = field(msg, "sections");
    if (!sections.is_array()) bad("\"sections\" lists the priorities' sections in order");
    if (sections.size() > limits::max_priorities) {
        bad("a municipality chooses at most " + std::to_string(limits::max_priorities) +
            " priorities");
    }
    for (const auto& s : sections) {
        if (!s.is_string() || s.get_ref<const std::string&>().empty() ||
            s.get_ref<const std::string&>().size() > limits::max_name_bytes) {
            bad("\"sections\" holds section ids");
        }
        if (std::find(r.sections.begin(), r.sections.end(), s) != r.sections.end()) {
            bad("a priority is listed twice");
        }
        r.sections.push_back(s.get<std::string>());
    }
    return r;
}

/// A calendar date as YYYY-MM-DD that exists (no 31 February).
bool valid_date(std::string_view d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (d[i] < '0' || d[i] > '9') return false;
    }
    const int year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    const int month = (d[5] - '0') * 10 + (d[6] - '0');
    const int day = (d[8] - '0') * 10 + (d[9] - '0');
    if (month < 1 || month > 12 || day < 1) return false;
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

DocumentRequest adoption_set(const json& msg) {
    AdoptionSet r;
    r.doc = string_field(msg, "doc");
    r.municipality = name_field(msg, "municipality");
    r.state = string_field(msg, "state");
    if (r.state != "concept" && r.state != "college" && r.state != "raad") {
        bad("\"state\" is \"concept\", \"college\" or \"raad\"");
    }
    if (r.state != "concept") {
        r.date = string_field(msg, "date");
        if (!valid_date(r.date)) bad("\"date\" is the decision's date as 2023-03-28");
        if (msg.contains("reference")) r.reference = string_field(msg, "reference");
        const bool control = std::any_of(r.reference.begin(), r.reference.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x20;
        });
        if (r.reference.size() > limits::max_label_bytes || !utf8::valid(r.reference) || control) {
            bad("\"reference\" is one line of at most " + std::to_string(limits::max_label_bytes) +
                " bytes");
        }
    }
    return r;
}

using DocumentParser = DocumentRequest (*)(const json&);

/// The parser of every message about one document, by its `type`.
constexpr std::pair<std::string_view, DocumentParser> document_parsers[] = {
    {Open::type, open},
    {Close::type, close},
    {Edit::type, edit},
    {Presence::type, presence},
    {Effective::type, effective},
    {Divergence::type, divergence},
    {Diverge::type, layer_target<Diverge>},
    {Revert::type, layer_target<Revert>},
    {Omit::type, layer_target<Omit>},
    {Include::type, layer_target<Include>},
    {Acknowledge::type, layer_target<Acknowledge>},
    {SectionCreate::type, section_create},
    {SectionRename::type, section_rename},
    {SectionMove::type, section_move},
    {SectionDelete::type, section_delete},
    {SectionRestore::type, section_restore},
    {RebasePreview::type, layer_target<RebasePreview>},
    {RebaseCommit::type, rebase_commit},
    {Propose::type, propose},
    {Vote::type, vote},
    {Tag::type, tag},
    {DocumentRename::type, document_rename},
    {DocumentArchive::type, document_archive},
    {History::type, history},
    {TextAt::type, text_at},
    {Diff::type, diff},
    {Comment::type, comment},
    {CommentReply::type, comment_reply},
    {CommentResolve::type, comment_resolve},
    {PrioritiesSet::type, priorities_set},
    {AdoptionSet::type, adoption_set},
};
static_assert(std::size(document_parsers) == std::variant_size_v<DocumentRequest>);

}  // namespace

Request parse_request(const json& msg) {
    if (!msg.is_object()) bad("a message must be a JSON object");
    auto type_it = msg.find("type");
    if (type_it == msg.end() || !type_it->is_string()) {
        bad("a message must have a string \"type\"");
    }
    const std::string& type = type_it->get_ref<const std::string&>();
    if (type == Hello::type) return hello(msg);
    if (type == List::type) return List{};
    if (type == Inbox::type) return Inbox{};
    if (type == Ping::type) return Ping{};
    if (type == DocumentCreate::type) return document_create(msg);
    for (const auto& [name, parse] : document_parsers) {
        if (name == type) return parse(msg);
    }
    bad("unknown message type \"" + type + "\"");
}

const std::string& document_of(const DocumentRequest& request) {
    return std::visit([](const auto& r) -> const std::string& { return r.doc; }, request);
}

std::string_view type_name(const DocumentRequest& request) {
    return std::visit([](const auto& r) { return r.type; }, request);
}

bool is_read(const DocumentRequest& r) {
    return std::holds_alternative<Open>(r) || std::holds_alternative<Close>(r) ||
           std::holds_alternative<Presence>(r) || std::holds_alternative<Effective>(r) ||
           std::holds_alternative<Divergence>(r) || std::holds_alternative<History>(r) ||
           std::holds_alternative<TextAt>(r) || std::holds_alternative<Diff>(r);
}

bool valid_utc_time(std::string_view t) {
    static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
    if (t.size() != shape.size()) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != shape[i]) return false;
    }
    auto number = [&](std::size_t at, std::size_t len) {
        int n = 0;
        for (std::size_t i = at; i < at + len; ++i) n = n * 10 + (t[i] - '0');
        return n;
    };
    const int month = number(5, 2), day = number(8, 2);
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && number(11, 2) <= 23 &&
           number(14, 2) <= 59 && number(17, 2) <= 59;
}

bool valid_title(const std::string& title) {
    return !title.empty() && title.size() <= limits::max_title_bytes &&
           title.find('\n') == std::string::npos && utf8::valid(title);
}

}  // namespace samen::protocol
