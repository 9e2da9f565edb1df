#include "rooms/reply.hpp"

#include "log/log.hpp"
#include "model/history.hpp"
#include "model/refused.hpp"
#include "ot/text.hpp"

namespace samen::rooms {

using protocol::ErrorCode;

void send(net::Connection& conn, const nlohmann::json& msg) {
    conn.send(std::make_shared<const std::string>(protocol::serialize(msg)));
}

void Reply::send(nlohmann::json msg) const {
    rooms::send(*conn_, protocol::reply(std::move(msg), id_));
}

void Reply::ack(std::optional<model::Rev> rev) const {
    conn_->send(ack_text(rev));
}

std::shared_ptr<const std::string> Reply::ack_text(std::optional<model::Rev> rev) const {
    nlohmann::json msg = {{"type", "ack"}};
    if (rev) msg["rev"] = *rev;
    return std::make_shared<const std::string>(protocol::serialize(protocol::reply(msg, id_)));
}

void Reply::error(ErrorCode code, std::string_view message) const {
    rooms::send(*conn_, protocol::error(id_, code, message));
}

void Reply::fail(std::exception_ptr error, std::string_view what_failed) const {
    Failure f = failure_of(std::move(error), what_failed);
    this->error(f.code, f.message);
}

Failure failure_of(std::exception_ptr error, std::string_view what_failed) {
    try {
        std::rethrow_exception(std::move(error));
    } catch (const protocol::ProtocolError& e) {
        return {e.code(), e.what()};
    } catch (const model::Refused& e) {
        switch (e.why) {
            case model::Refused::Why::invalid:
                return {ErrorCode::bad_request, e.what()};
            case model::Refused::Why::not_found:
                return {ErrorCode::not_found, e.what()};
            case model::Refused::Why::conflict:
                return {ErrorCode::conflict, e.what()};
            case model::Refused::Why::too_large:
                return {ErrorCode::too_large, e.what()};
        }
        return {ErrorCode::bad_request, e.what()};
    } catch (const model::HistoryError& e) {
        return {ErrorCode::conflict, e.what()};
    } catch (const ot::OpError& e) {
        return {ErrorCode::bad_request, std::string("invalid op: ") + e.what()};
    } catch (const store::Overloaded&) {
        return {ErrorCode::internal, "the server is overloaded, try again"};
    } catch (const std::exception& e) {
        log_line(std::string(what_failed) + ": " + e.what());
    } catch (...) {
        log_line(std::string(what_failed) + ": an unknown exception");
    }
    return {ErrorCode::internal, std::string(what_failed)};
}

unsigned http_status(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_request:
            return 400;
        case ErrorCode::unauthorized:
            return 401;
        case ErrorCode::forbidden:
            return 403;
        case ErrorCode::not_found:
            return 404;
        case ErrorCode::conflict:
            return 409;
        case ErrorCode::too_large:
            return 413;
        case ErrorCode::rate_limited:
            return 429;
        case ErrorCode::internal:
            return 500;
    }
    return 500;
}

}  // namespace samen::rooms
