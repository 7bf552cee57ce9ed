#include "ApiClient.h"
#include "ApiClientPrivate.h"
#include "BackgroundTask.h"
#include "WireDecoding.h"

#include <QNetworkReply>

#include <algorithm>

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

struct UserListJob::DecodedPage
{
    ApiError error;
    users::PreparedUsers users;
    qsizetype itemCount = 0;
    std::optional<qint64> total;
};

namespace {

UserListJob::DecodedPage decodePage(const QByteArray& body, int httpStatus)
{
    UserListJob::DecodedPage decoded;
    QString problem;
    auto page = decodeUserPage(body, &problem);
    if (!page) {
        decoded.error = malformedAnswer(httpStatus, problem);
        return decoded;
    }
    decoded.users = users::PreparedUsers::prepare(std::move(page->users));
    decoded.itemCount = page->itemCount;
    decoded.total = page->total;
    return decoded;
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
    dropSlots();
}

void UserListJob::setMaxPagesInFlight(int pages)
{
    m_maxInFlight = std::max(1, pages);
}

void UserListJob::start()
{
    if (m_started)
        return;
    m_started = true;
    qCDebug(lcApi) << "Listing users," << m_pageSize << "per page, up to" << m_maxInFlight
                   << "pages at once";
    requestPage(0);
}

void UserListJob::abort()
{
    if (m_finished)
        return;
    m_finished = true;
    dropSlots();
    Q_EMIT finished(makeError(ApiError::Kind::Cancelled, tr("The listing was cancelled.")));
}

// Forgets every page not delivered yet and aborts the requests still running. Their answers
// (an abort answers at once, with Cancelled) find no slot and are ignored.
void UserListJob::dropSlots()
{
    std::deque<Slot> dropped;
    dropped.swap(m_slots);
    for (const Slot& slot : dropped) {
        if (slot.reply)
            slot.reply->abort();
    }
}

void UserListJob::finish(const ApiError& error)
{
    m_finished = true;
    dropSlots();
    if (error) {
        qCInfo(lcApi).noquote() << "Listing users stopped after" << m_received
                                << "users:" << error.message;
    } else {
        qCInfo(lcApi) << "Listed" << m_received << "users in" << m_pages << "pages";
    }
    Q_EMIT finished(error);
}

void UserListJob::requestPage(qint64 offset)
{
    ApiClient::Request request;
    request.verb = "GET";
    request.encodedPath = "/users";
    request.encodedQuery
        = "offset=" + QByteArray::number(offset) + "&limit=" + QByteArray::number(m_pageSize);
    request.parseJson = false; // parsed on a worker thread

    const quint64 ticket = ++m_lastTicket;
    Slot slot;
    slot.ticket = ticket;
    slot.offset = offset;
    m_slots.push_back(std::move(slot));

    QNetworkReply* reply = m_client->send(request, this,
        [this, ticket](const ApiClient::Answer& answer) { onAnswer(ticket, answer); });
    // The slot is looked up again: nothing guarantees it is still the last one.
    const auto it = std::find_if(m_slots.begin(), m_slots.end(),
        [ticket](const Slot& candidate) { return candidate.ticket == ticket; });
    if (it != m_slots.end() && !it->answered)
        it->reply = reply;
}

// The slot of a request still waiting for its answer, or nullptr once the listing ended or
// dropped it.
UserListJob::Slot* UserListJob::pendingSlot(quint64 ticket)
{
    if (m_finished)
        return nullptr;
    const auto it = std::find_if(m_slots.begin(), m_slots.end(),
        [ticket](const Slot& candidate) { return candidate.ticket == ticket; });
    return it == m_slots.end() ? nullptr : &*it;
}

// Answers arrive in any order. Each is decoded on a worker thread (a page of 1,000 users
// takes milliseconds to parse and fold, which the window would feel) and kept until the
// pages before it have been delivered.
void UserListJob::onAnswer(quint64 ticket, const ApiClient::Answer& answer)
{
    Slot* found = pendingSlot(ticket);
    if (!found)
        return;
    Slot& slot = *found;
    slot.reply = nullptr;
    slot.httpStatus = answer.httpStatus;
    if (answer.error) {
        slot.answered = true;
        slot.error = answer.error;
        deliverReady();
        return;
    }

    runInBackground(
        this, [body = answer.body, status = answer.httpStatus] { return decodePage(body, status); },
        [this, ticket](DecodedPage page) { onDecoded(ticket, page); });
}

void UserListJob::onDecoded(quint64 ticket, DecodedPage& page)
{
    Slot* found = pendingSlot(ticket);
    if (!found)
        return;
    Slot& slot = *found;
    slot.answered = true;
    slot.error = page.error;
    slot.users = std::move(page.users);
    slot.itemCount = page.itemCount;
    slot.total = page.total;
    deliverReady();
}

// Delivers the answered pages at the front of the queue, in offset order, and decides from
// each whether the listing goes on. A failed page ends the listing only when its turn
// comes: a request past the end may fail, and an earlier short page then ends the listing
// cleanly first.
void UserListJob::deliverReady()
{
    const QPointer<UserListJob> alive(this);
    while (!m_finished && !m_slots.empty() && m_slots.front().answered) {
        Slot slot = std::move(m_slots.front());
        m_slots.pop_front();

        if (slot.error) {
            finish(slot.error);
            return;
        }

        // A server that ignores the offset would send the same page forever.
        int fresh = 0;
        for (const users::User& user : std::as_const(slot.users.users)) {
            const size_t key = qHash(user.id);
            if (!m_seenIds.contains(key)) {
                m_seenIds.insert(key);
                ++fresh;
            }
        }
        if (slot.itemCount > 0 && fresh == 0) {
            finish(malformedAnswer(slot.httpStatus,
                tr("the server sent no new users at offset %1; the list is incomplete.")
                    .arg(slot.offset)));
            return;
        }

        const qsizetype count = slot.itemCount;
        const qsizetype largestBefore = m_largestPage;
        m_largestPage = std::max(m_largestPage, count);
        if (slot.total)
            m_total = slot.total;
        const qint64 next = slot.offset + count;

        // The page size is known from a full page, from an envelope's total (which tells the
        // remaining offsets), or from a short page confirmed by a second one as long: a
        // server's cap. Until then pages go one by one. A server that sends more than asked
        // for is stepped through at the size asked for: pages that overlap lose no one (a
        // user seen twice counts once), gaps would.
        const bool wasPipelining = m_step > 0;
        if (!wasPipelining && count > 0
            && (count >= m_pageSize || slot.total || (largestBefore > 0 && count >= largestBefore)))
            m_step = std::min<qsizetype>(count, m_pageSize);

        m_received += int(slot.users.size());
        ++m_pages;
        if (!slot.users.isEmpty()) {
            Q_EMIT pagePrepared(slot.users);
            if (!alive || m_finished)
                return;
            Q_EMIT pageReceived(slot.users.users);
            if (!alive || m_finished)
                return;
        }

        // The end: an empty page, the announced total, or a page shorter than a full one (the
        // longest so far, or the size asked for if a page was longer). A short first page is
        // not the end: the server may cap the page size below what was asked, and only the
        // next page tells.
        const qsizetype fullPage = std::min<qsizetype>(largestBefore, m_pageSize);
        const bool end = count == 0 || (slot.total && next >= *slot.total)
            || (largestBefore > 0 && count < fullPage);
        if (end) {
            finish({});
            return;
        }
        if (m_step == 0) {
            requestPage(next);
            return;
        }
        if (!wasPipelining)
            m_nextOffset = next;
        fillPipeline();
    }
}

// Keeps up to m_maxInFlight pages requested or waiting for their turn, so that memory stays
// bounded while a slow page holds up the ones behind it.
void UserListJob::fillPipeline()
{
    while (!m_finished && m_step > 0 && qsizetype(m_slots.size()) < m_maxInFlight
        && (!m_total || m_nextOffset < *m_total)) {
        const qint64 offset = m_nextOffset;
        m_nextOffset += m_step;
        requestPage(offset);
    }
    // A stale total (a later page without one, or fewer users than it said) must not stall
    // the listing: one more page then shows the end.
    if (!m_finished && m_step > 0 && m_slots.empty()) {
        const qint64 offset = m_nextOffset;
        m_nextOffset += m_step;
        requestPage(offset);
    }
}

} // namespace zenml::controlplane
