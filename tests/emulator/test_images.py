"""The image actions over real HTTP: sharing with accounts, and listing custom images."""

from __future__ import annotations

from pulumi_compshare.emulator import Emulator

from .raw import ALICE, BOB, CAROL, IMAGE, OWNER, fails, ok


def test_image_share_accounts(em: Emulator) -> None:
    describe = "DescribeCompShareImageShareAccounts"
    modify = "ModifyCompShareImageShareAccount"
    assert ok(em, OWNER, describe, CompShareImageId=IMAGE)["AccountSet"] == []
    body = ok(em, OWNER, modify, CompShareImageId=IMAGE, AddAccounts=[BOB, ALICE, 99999, OWNER])
    assert body["InvalidAccounts"] == [99999, OWNER]
    assert ok(em, OWNER, describe, CompShareImageId=IMAGE)["AccountSet"] == [
        {"AccountId": BOB, "AccountName": "bob"},
        {"AccountId": ALICE, "AccountName": "alice"},
    ]
    # Adding one already there and removing one not there are no-ops; adds go before removes.
    body = ok(
        em,
        OWNER,
        modify,
        CompShareImageId=IMAGE,
        AddAccounts=[ALICE, CAROL],
        RemoveAccounts=[BOB, 12345, CAROL],
    )
    assert body["InvalidAccounts"] == []
    assert em.state()["images"][0]["shared_with"] == [ALICE]
    ok(em, OWNER, modify, CompShareImageId=IMAGE, AddAccounts=["50004.0"])
    assert em.state()["images"][0]["shared_with"] == [ALICE, CAROL]

    ten = list(range(70001, 70011))
    ok(em, OWNER, modify, CompShareImageId=IMAGE, AddAccounts=ten, RemoveAccounts=ten)
    eleven = list(range(70001, 70012))
    assert "AddAccounts" in fails(
        em, OWNER, modify, 230, CompShareImageId=IMAGE, AddAccounts=eleven
    )
    message = fails(em, OWNER, modify, 230, CompShareImageId=IMAGE, RemoveAccounts=eleven)
    assert "RemoveAccounts" in message
    message = fails(em, OWNER, modify, 230, CompShareImageId=IMAGE)
    assert "AddAccounts" in message
    assert "RemoveAccounts" in message
    message = fails(em, OWNER, modify, 230, CompShareImageId=IMAGE, AddAccounts=[1, 2, 3, "bob"])
    assert "AddAccounts.3" in message
    assert "CompShareImageId" in fails(em, OWNER, modify, 230, AddAccounts=[ALICE])
    message = fails(em, OWNER, modify, 230, CompShareImageId="img-1", AddAccounts=[ALICE])
    assert "CompShareImageId" in message
    fails(em, ALICE, modify, 8403, CompShareImageId=IMAGE, AddAccounts=[BOB])
    fails(em, OWNER, modify, 8404, CompShareImageId="compshareImage-zzz", AddAccounts=[BOB])
    fails(em, ALICE, describe, 8403, CompShareImageId=IMAGE)
    fails(em, OWNER, describe, 8404, CompShareImageId="compshareImage-zzz")
    assert em.state()["images"][0]["shared_with"] == [ALICE, CAROL]


def test_custom_images(em: Emulator) -> None:
    action = "DescribeCompShareCustomImages"
    assert "Zone" in fails(em, OWNER, action, 230)
    body = ok(em, OWNER, action, Zone="cn-wlcb-01")
    assert body["TotalCount"] == 2
    first = body["ImageSet"][0]
    assert first["CompShareImageId"] == IMAGE
    assert first["Name"] == "cuda-12-base"
    assert (first["ImageType"], first["Status"], first["Size"], first["Visibility"]) == (
        "Custom",
        "Available",
        20480,
        0,
    )
    page = ok(em, OWNER, action, Zone="cn-wlcb-01", Limit=1, Offset=1)
    assert [i["CompShareImageId"] for i in page["ImageSet"]] == ["compshareImage-def"]
    assert page["TotalCount"] == 2
    one = ok(em, OWNER, action, Zone="cn-wlcb-01", CompShareImageId="compshareImage-def")
    assert one["TotalCount"] == 1
    assert ok(em, ALICE, action, Zone="cn-wlcb-01") == {
        "Action": f"{action}Response",
        "RetCode": 0,
        "Message": "",
        "ImageSet": [],
        "TotalCount": 0,
    }
    assert "Limit" in fails(em, OWNER, action, 230, Zone="cn-wlcb-01", Limit=101)
