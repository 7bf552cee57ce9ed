#include "ApiClient.h"
#include "ApiClientPrivate.h"
#include "WireDecoding.h"

#include <QNetworkReply>

namespace zenml::controlplane {

namespace {

ApiError makeError(ApiError::Kind kind, const QString& message)
{
    ApiError error;
    error.kind = kind;
    error.message = message;
    return error;
}

} // namespace

UserListJob::UserListJob(ApiClient* client, int pageSize)
    : QObject(client)
    , m_client(client)
    , m_pageSize(std::max(1, pageSize))
{ }

UserListJob::~UserListJob()
{
    m_finished = true;
    if (m_reply)
        m_reply->abort();
}

void UserListJob::start()
{
    if (m_started)
        return;
    m_started = true;
    qCDebug(lcApi) << "Listing users," << m_pageSize << "per page";
    requestPage(0);
}

void UserListJob::abort()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_reply)
        m_reply->abort();
    Q_EMIT finished(makeError(ApiError::Kind::Cancelled, tr("The listing was cancelled.")));
}

void UserListJob::finish(const ApiError& error)
{
    m_finished = true;
    m_reply = nullptr;
    if (error) {
        qCInfo(lcApi).noquote() << "Listing users stopped after" << m_received
                                << "users:" << error.message;
    } else {
        qCInfo(lcApi) << "Listed" << m_received << "users in" << m_pages << "pages";
    }
    Q_EMIT finished(error);
}

// Pages are requested one after another. Each request knows its own offset, so keeping
// several in flight later only needs a queue that delivers them in order.
void UserListJob::requestPage(qint64 offset)
{
    ApiClient::Request request;
    request.verb = "GET";
    request.encodedPath = "/users";
    request.encodedQuery
        = "offset=" + QByteArray::number(offset) + "&limit=" + QByteArray::number(m_pageSize);

    m_reply = m_client->send(request, this, [this, offset](const ApiClient::Answer& answer) {
        m_reply = nullptr;
        if (m_finished)
            return;
        if (answer.error) {
            finish(answer.error);
            return;
        }
        QString problem;
        auto page = decodeUserPage(answer.document, &problem);
        if (!page) {
            finish(malformedAnswer(answer.httpStatus, problem));
            return;
        }

        // A server that ignores the offset would send the same page forever.
        int fresh = 0;
        for (const users::User& user : std::as_const(page->users)) {
            if (!m_seenIds.contains(user.id)) {
                m_seenIds.insert(user.id);
                ++fresh;
            }
        }
        if (page->itemCount > 0 && fresh == 0) {
            finish(malformedAnswer(answer.httpStatus,
                tr("the server sent no new users at offset %1; the list is incomplete.")
                    .arg(offset)));
            return;
        }

        const qsizetype count = page->itemCount;
        const qsizetype largestBefore = m_largestPage;
        m_largestPage = std::max(m_largestPage, count);
        m_received += int(page->users.size());
        ++m_pages;
        const qint64 next = offset + count;

        if (!page->users.isEmpty()) {
            const QPointer<UserListJob> alive(this);
            Q_EMIT pageReceived(page->users);
            if (!alive || m_finished)
                return;
        }

        // The end: an empty page, the announced total, or a page shorter than an earlier
        // one. A short first page is not the end: the server may cap the page size below
        // what was asked, and only the next page tells.
        const bool end = count == 0 || (page->total && next >= *page->total)
            || (largestBefore > 0 && count < largestBefore);
        if (end) {
            finish({});
            return;
        }
        requestPage(next);
    });
}

} // namespace zenml::controlplane
