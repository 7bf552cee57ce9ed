// libFuzzer target: the answer to POST /auth/login, from bytes to LoginResult.

#include "FuzzSupport.h"
#include "controlplane/WireDecoding.h"

using namespace zenml::controlplane;
using namespace zenml::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ReplySnapshot reply;
    reply.httpStatus = 200;
    reply.contentType = "application/json";
    reply.body = bytesOf(data, size);

    ApiError error;
    const auto document = parseJsonAnswer(reply, &error);
    if (!document) {
        check(error.kind == ApiError::Kind::Malformed, "a parse failure is Malformed");
        checkMessage(error.message);
        return 0;
    }
    // A fixed clock keeps every run of an input the same.
    const QDateTime receivedAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000LL, Qt::UTC);
    QString problem;
    const auto result = decodeLoginAnswer(*document, receivedAt, &problem);
    if (!result) {
        checkMessage(problem);
        return 0;
    }
    check(!result->accessToken.isEmpty(), "a login result has a token");
    check(result->expiresInSeconds >= 0, "the lifetime is not negative");
    check(result->expiresInSeconds == 0 || result->expiresAt > receivedAt, "expiry after now");
    return 0;
}
