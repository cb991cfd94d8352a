"""The image actions: DescribeCompShareImageShareAccounts, ModifyCompShareImageShareAccount,
DescribeCompShareCustomImages, DescribeCompShareSharingImages."""

from __future__ import annotations

from typing import Any

from pulumi_compshare.api import limits
from pulumi_compshare.emulator.api_errors import denied, invalid, not_found
from pulumi_compshare.emulator.model import Image, StateCore
from pulumi_compshare.emulator.params import Params, parse_id
from pulumi_compshare.emulator.seed import Account

__all__ = [
    "DEFAULT_CUSTOM_IMAGES_LIMIT",
    "DEFAULT_SHARING_IMAGES_LIMIT",
    "IMAGE_SIZE_MB",
    "ImageActions",
]

DEFAULT_CUSTOM_IMAGES_LIMIT = 20
DEFAULT_SHARING_IMAGES_LIMIT = 20
IMAGE_SIZE_MB = 20480


class ImageActions(StateCore):
    """Share custom images with accounts; list one's own and those shared with one."""

    # ---------------------------------------------------------------- images

    def _image_id(self, params: Params) -> str:
        image_id = params.required_text("CompShareImageId")
        if not limits.is_image_id(image_id):
            raise invalid(
                "CompShareImageId",
                "must look like compshareImage-xxxx",
                "格式应为 compshareImage-xxxx",
            )
        return image_id

    def _owned_image(self, caller: Account, image_id: str) -> Image:
        image = self.images.get(image_id)
        if image is None:
            raise not_found(f"image {image_id} does not exist", "镜像不存在", 18001)
        if image.owner != caller.company_id:
            raise denied(
                f"account {caller.company_id} is not the owner of image {image_id}",
                "没有权限操作该镜像",
                18002,
            )
        return image

    def describe_share_accounts(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeCompShareImageShareAccounts: who an image is shared with (owner only)."""
        image = self._owned_image(caller, self._image_id(params))
        return {
            "AccountSet": [
                {"AccountId": company_id, "AccountName": self.accounts[company_id].name}
                for company_id in image.shared_with
            ]
        }

    def _account_list(self, params: Params, prefix: str) -> list[int]:
        items = params.items(prefix)
        if len(items) > limits.SHARE_BATCH_MAX:
            raise invalid(
                prefix,
                f"at most {limits.SHARE_BATCH_MAX} accounts per call",
                f"每次最多 {limits.SHARE_BATCH_MAX} 个账户",
            )
        return [parse_id(key, value) for key, value in items]

    def modify_share_accounts(self, caller: Account, params: Params) -> dict[str, Any]:
        """ModifyCompShareImageShareAccount: add then remove accounts (owner only)."""
        image_id = self._image_id(params)
        add = self._account_list(params, "AddAccounts")
        remove = self._account_list(params, "RemoveAccounts")
        if not add and not remove:
            raise invalid(
                "AddAccounts/RemoveAccounts",
                "at least one of them must be non-empty",
                "不能同时为空",
            )
        image = self._owned_image(caller, image_id)
        refused: list[int] = []
        for company_id in add:
            if company_id not in self.accounts or company_id == image.owner:
                if company_id not in refused:
                    refused.append(company_id)
            elif company_id not in image.shared_with:
                image.shared_with.append(company_id)
        for company_id in remove:
            if company_id in image.shared_with:
                image.shared_with.remove(company_id)
        return {"InvalidAccounts": refused}

    def describe_custom_images(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeCompShareCustomImages: the caller's own images, paged."""
        params.required_text("Zone")
        wanted = params.text("CompShareImageId")
        limit = params.integer(
            "Limit", default=DEFAULT_CUSTOM_IMAGES_LIMIT, low=1, high=limits.CUSTOM_IMAGES_LIMIT_MAX
        )
        offset = params.integer("Offset", default=0, low=0)
        images = [
            i
            for i in self.images.values()
            if i.owner == caller.company_id and (not wanted or i.id == wanted)
        ]
        return {
            "ImageSet": [_image_row(i) for i in images[offset : offset + limit]],
            "TotalCount": len(images),
        }

    def describe_sharing_images(self, caller: Account, params: Params) -> dict[str, Any]:
        """DescribeCompShareSharingImages: the images other accounts shared with the caller,
        paged (Offset default 0, Limit default 20, at most 100), optionally one CompShareImageId;
        each row names its owner (``Owner`` {AccountId, AccountName}, the SDK's model)."""
        wanted = params.text("CompShareImageId")
        params.text("Zone")
        limit = params.integer(
            "Limit",
            default=DEFAULT_SHARING_IMAGES_LIMIT,
            low=1,
            high=limits.SHARING_IMAGES_LIMIT_MAX,
        )
        offset = params.integer("Offset", default=0, low=0)
        images = [
            i
            for i in self.images.values()
            if caller.company_id in i.shared_with and (not wanted or i.id == wanted)
        ]
        return {
            "ImageSet": [
                {
                    **_image_row(i),
                    "Owner": {"AccountId": i.owner, "AccountName": self.accounts[i.owner].name},
                }
                for i in images[offset : offset + limit]
            ],
            "TotalCount": len(images),
        }


def _image_row(image: Image) -> dict[str, Any]:
    """An ImageSet row (DescribeCompShareCustomImages, DescribeCompShareSharingImages)."""
    return {
        "CompShareImageId": image.id,
        "Name": image.name,
        "ImageType": "Custom",
        "Status": "Available",
        "CreateTime": image.create_time,
        "Size": IMAGE_SIZE_MB,
        "Visibility": 0,
    }
