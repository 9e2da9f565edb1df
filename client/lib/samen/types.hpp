// What the client library reports to its users: documents, remote edits, presence, errors.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "ot/text.hpp"

namespace samen::client {

using Rev = std::uint64_t;

/// Someone, as the server names them in edits and presence (and `welcome`, with a role).
struct UserRef {
    std::int64_t id = 0;
    std::string name;
    std::string display_name;
    std::optional<std::string> municipality;
    std::string role;  // only in `welcome`
};

/// Reads a user object of the protocol; throws nlohmann::json::exception when it is malformed.
UserRef user_from_json(const nlohmann::json& j);

/// A named version: a label that pins a revision of a document.
struct Version {
    Rev rev = 0;
    std::string label;
    UserRef author;
    std::string created_at;  // RFC 3339, UTC
};

/// Reads a version object of the protocol; throws nlohmann::json::exception when it is malformed.
Version version_from_json(const nlohmann::json& j);

/// One line of the `documents` reply.
struct DocumentSummary {
    std::string id;
    std::string title;
    Rev rev = 0;
    std::vector<std::string> municipalities;
    bool archived = false;
    std::vector<Version> versions;  // oldest first
};

/// Someone else's edit, after it was applied to the local text.
struct RemoteEdit {
    std::string doc;
    std::string section;
    std::string layer;
    Rev rev = 0;
    ot::Op op;  // as applied to the local text (transformed past local changes not yet sent)
    std::string opid;
    UserRef author;
};

/// Where another connection is in a document.
struct Presence {
    std::uint64_t session = 0;
    UserRef user;
    std::string section;
    std::string layer;
    ot::Selection sel;
};

struct PresenceEvent {
    std::string doc;
    Presence presence;
    bool left = false;  // the connection closed the document or went away
};

/// A document was loaded again from a snapshot (after a reconnect the server could not bridge
/// with changes): read it whole again.
struct Reloaded {
    std::string doc;
};

/// Something went wrong. `code` is a protocol error code (`not_found`, `conflict`, ...) or one of
/// the client's own (`unreachable`, `connection_lost`, `bad_message`, `timeout`).
struct ClientError {
    std::string code;
    std::string message;
    std::string doc;
    std::string section;
    std::string layer;
    /// Set when local changes could not be applied on the server: the text as this client had
    /// it, so that nothing typed is lost silently.
    std::optional<std::string> unsent_text;
};

inline ClientError error_of(std::string code, std::string message, std::string doc = {}) {
    ClientError e;
    e.code = std::move(code);
    e.message = std::move(message);
    e.doc = std::move(doc);
    return e;
}

using SyncEvent = std::variant<RemoteEdit, PresenceEvent, Reloaded, ClientError>;

/// A ClientError thrown by the blocking calls.
class ClientException : public std::runtime_error {
  public:
    explicit ClientException(ClientError error)
        : std::runtime_error(error.message), error_(std::move(error)) {}
    const ClientError& error() const noexcept { return error_; }
    const std::string& code() const noexcept { return error_.code; }

  private:
    ClientError error_;
};

}  // namespace samen::client
