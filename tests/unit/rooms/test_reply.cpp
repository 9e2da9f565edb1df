// The one error mapping: what each kind of failure becomes on the wire and over HTTP.
#include <catch2/catch.hpp>

#include "model/history.hpp"
#include "model/refused.hpp"
#include "rooms/reply.hpp"
#include "server_world.hpp"

using namespace samen;
using protocol::ErrorCode;

namespace {

template <class E>
rooms::Failure fail_with(E e) {
    return rooms::failure_of(std::make_exception_ptr(std::move(e)), "doing it failed");
}

}  // namespace

TEST_CASE("Every kind of failure has one error code and keeps its own words", "[rooms][reply]") {
    CHECK(fail_with(protocol::ProtocolError(ErrorCode::forbidden, "no")).code ==
          ErrorCode::forbidden);
    using Why = model::Refused::Why;
    CHECK(fail_with(model::Refused(Why::invalid, "x")).code == ErrorCode::bad_request);
    CHECK(fail_with(model::Refused(Why::not_found, "x")).code == ErrorCode::not_found);
    CHECK(fail_with(model::Refused(Why::conflict, "x")).code == ErrorCode::conflict);
    CHECK(fail_with(model::Refused(Why::too_large, "x")).code == ErrorCode::too_large);
    CHECK(fail_with(model::Refused(Why::conflict, "not stale")).message == "not stale");
    CHECK(fail_with(model::HistoryError("cannot undo")).code == ErrorCode::conflict);
    const auto op = fail_with(ot::OpError("skip past the end"));
    CHECK(op.code == ErrorCode::bad_request);
    CHECK(op.message == "invalid op: skip past the end");
    const auto busy = fail_with(store::Overloaded("store queue full"));
    CHECK(busy.code == ErrorCode::internal);
    CHECK(busy.message == "the server is overloaded, try again");
    // Anything else says what failed, never what a library said about it.
    const auto other = fail_with(std::runtime_error("sqlite: disk I/O error at page 7"));
    CHECK(other.code == ErrorCode::internal);
    CHECK(other.message == "doing it failed");
}

TEST_CASE("Each error code has its HTTP status", "[rooms][reply]") {
    CHECK(rooms::http_status(ErrorCode::bad_request) == 400);
    CHECK(rooms::http_status(ErrorCode::unauthorized) == 401);
    CHECK(rooms::http_status(ErrorCode::forbidden) == 403);
    CHECK(rooms::http_status(ErrorCode::not_found) == 404);
    CHECK(rooms::http_status(ErrorCode::conflict) == 409);
    CHECK(rooms::http_status(ErrorCode::too_large) == 413);
    CHECK(rooms::http_status(ErrorCode::rate_limited) == 429);
    CHECK(rooms::http_status(ErrorCode::internal) == 500);
}

TEST_CASE("A reply carries the request's id, an ack its revision", "[rooms][reply]") {
    auto conn = std::make_shared<test::RecordingConnection>();
    rooms::Reply(conn, "r1").ack(7);
    rooms::Reply(conn, 2).ack(std::nullopt);
    rooms::Reply(conn, nullptr).error(ErrorCode::conflict, "stale");
    auto sent = conn->messages();
    REQUIRE(sent.size() == 3);
    CHECK(sent[0] == nlohmann::json{{"type", "ack"}, {"id", "r1"}, {"rev", 7}});
    CHECK(sent[1] == nlohmann::json{{"type", "ack"}, {"id", 2}});
    CHECK(sent[2] == nlohmann::json{{"type", "error"}, {"code", "conflict"}, {"message", "stale"}});
}
