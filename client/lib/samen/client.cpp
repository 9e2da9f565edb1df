// Client's public calls: each posts one step of Client::Impl onto the strand (client_impl.hpp).
#include "samen/client.hpp"

#include <boost/asio/post.hpp>

#include "samen/client_impl.hpp"

namespace samen::client {

namespace asio = boost::asio;

std::string_view to_string(ConnectionState s) noexcept {
    switch (s) {
        case ConnectionState::disconnected:
            return "disconnected";
        case ConnectionState::connecting:
            return "connecting";
        case ConnectionState::connected:
            return "connected";
        case ConnectionState::reconnecting:
            return "reconnecting";
        case ConnectionState::closed:
            return "closed";
    }
    return "disconnected";
}

Client::Client(asio::io_context& ioc, ClientOptions options, ClientCallbacks callbacks)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(callbacks))) {}

Client::~Client() {
    shutdown();
}

// ---- Onto the strand ----------------------------------------------------------------------------

void Client::shutdown() {
    asio::post(impl_->strand(), [impl = impl_] { impl->do_shutdown(); });
}

void Client::connect(std::string host, std::uint16_t port, std::string token, Done done) {
    asio::post(impl_->strand(), [impl = impl_, host = std::move(host), port,
                                 token = std::move(token), done = std::move(done)]() mutable {
        impl->do_connect(std::move(host), port, std::move(token), std::move(done));
    });
}

void Client::close(Done done) {
    asio::post(impl_->strand(), [impl = impl_, done = std::move(done)]() mutable {
        impl->do_close(std::move(done));
    });
}

void Client::list(ListDone done) {
    asio::post(impl_->strand(), [impl = impl_, done = std::move(done)]() mutable {
        impl->do_list(std::move(done));
    });
}

void Client::request(nlohmann::json msg, ReplyDone done) {
    asio::post(impl_->strand(),
               [impl = impl_, msg = std::move(msg), done = std::move(done)]() mutable {
                   impl->do_request(std::move(msg), std::move(done));
               });
}

void Client::open(std::string doc, Done done) {
    asio::post(impl_->strand(),
               [impl = impl_, doc = std::move(doc), done = std::move(done)]() mutable {
                   impl->do_open(std::move(doc), std::move(done));
               });
}

void Client::close_document(std::string doc, Done done) {
    asio::post(impl_->strand(),
               [impl = impl_, doc = std::move(doc), done = std::move(done)]() mutable {
                   impl->do_close_document(doc, std::move(done));
               });
}

void Client::edit(std::string doc, std::string section, std::string layer, ot::Op op,
                  Done applied) {
    edit_with(
        std::move(doc), std::move(section), std::move(layer),
        [op = std::move(op)](const std::string&) { return op; }, std::move(applied));
}

void Client::edit_with(std::string doc, std::string section, std::string layer,
                       std::function<ot::Op(const std::string& text)> make_op, Done applied) {
    asio::post(impl_->strand(), [impl = impl_, doc = std::move(doc), section = std::move(section),
                                 layer = std::move(layer), make_op = std::move(make_op),
                                 applied = std::move(applied)] {
        impl->do_edit(doc, section, layer, make_op, applied);
    });
}

void Client::presence(std::string doc, std::string section, std::string layer, ot::Selection sel) {
    asio::post(impl_->strand(),
               [impl = impl_, doc = std::move(doc), section = std::move(section),
                layer = std::move(layer), sel] { impl->do_presence(doc, section, layer, sel); });
}

void Client::post(std::function<void()> fn) {
    asio::post(impl_->strand(), std::move(fn));
}

void Client::disconnect() {
    asio::post(impl_->strand(),
               [impl = impl_] { impl->do_disconnect("dropped by the client (test hook)"); });
}

void Client::drop_after_next_edit() {
    asio::post(impl_->strand(), [impl = impl_] { impl->do_drop_after_next_edit(); });
}

// ---- Reads (on the strand) ----------------------------------------------------------------------

ConnectionState Client::state() const {
    return impl_->state();
}

std::optional<UserRef> Client::user() const {
    return impl_->user();
}

const model::Document* Client::document(const std::string& doc) const {
    const DocumentSync* d = sync(doc);
    return d ? &d->document() : nullptr;
}

const DocumentSync* Client::sync(const std::string& doc) const {
    return impl_->live_doc(doc);
}

std::optional<std::string> Client::text(const std::string& doc, const std::string& section,
                                        const std::string& layer) const {
    const DocumentSync* d = sync(doc);
    const LayerSync* l = d ? d->layer(section, layer) : nullptr;
    if (!l) return std::nullopt;
    return l->text();
}

std::optional<Rev> Client::rev(const std::string& doc) const {
    const DocumentSync* d = sync(doc);
    if (!d) return std::nullopt;
    return d->rev();
}

std::size_t Client::pending_edits() const {
    return impl_->pending_edits();
}

std::uint64_t Client::connections() const {
    return impl_->connections();
}

}  // namespace samen::client
